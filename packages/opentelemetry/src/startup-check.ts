import { type Attributes, type Tracer, trace } from "@opentelemetry/api";
import {
  type PersistenceBackend,
  runStartupCheck,
  type ScanReport,
  type StartupCheckOptions,
  type StartupCheckResult,
} from "@papyra/core";
import { INSTRUMENTATION_SCOPE, telemetryOf } from "./instrument.js";
import { checkTracedStartupOptions, type TracedStartupOptions } from "./options.js";
import { scanAttributes, startupAttributes } from "./report-attributes.js";
import { BACKEND_ATTRIBUTE, identifyStore, STORE_ATTRIBUTE } from "./store-identity.js";
import { traced } from "./traced.js";
import { SPAN_NAMES } from "./wrap-backend.js";

function field(value: unknown, key: string): unknown {
  try {
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** What the caller asked for, as attributes (they are there even when the check throws). */
function requestedAttributes(options: StartupCheckOptions): Attributes {
  const out: Attributes = {};
  const mode = field(options, "mode");
  if (typeof mode === "string") out["papyra.startup.mode"] = mode;
  out["papyra.startup.full"] = field(options, "full") === true;
  out["papyra.startup.allow_missing"] = field(options, "allowMissing") === true;
  const recoveryMode = field(field(options, "recovery"), "mode");
  if (typeof recoveryMode === "string") out["papyra.recovery.mode"] = recoveryMode;
  return out;
}

/** A refused startup (`PAPYRA_STARTUP`): its reason and the scan or result it carries. */
function failureAttributes(error: unknown): Attributes {
  if (field(error, "code") !== "PAPYRA_STARTUP") return {};
  const reason = field(error, "reason");
  const result = field(error, "result") as StartupCheckResult | null | undefined;
  const out: Attributes = result
    ? startupAttributes(result)
    : scanAttributes(field(error, "scan") as ScanReport | null | undefined);
  if (typeof reason === "string") out["papyra.startup.failure_reason"] = reason;
  return out;
}

/** The tracer of the given provider, else of the global one; null if either fails. */
function providedTracer(telemetry: TracedStartupOptions): Tracer | null {
  try {
    return (telemetry.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE);
  } catch {
    return null;
  }
}

/**
 * Runs core's `runStartupCheck(backend, options)` inside a `papyra.startup_check` span and
 * returns (or throws) exactly what it does. The span carries the mode, the first scan's figures
 * (records, anomalies by type, incremental), the recovery's (dropped, repaired), what remains,
 * and on failure error status, `error.type` and `papyra.startup.failure_reason`
 * (`anomalies`, `still_damaged`, `recovery_unsupported`, `timeout`). Given a backend returned by
 * `instrumentBackend`, it uses that tracer and attributes, and the scan and recover spans of the
 * check become its children (with the application's context manager, as the SDKs register).
 */
export function runTracedStartupCheck(
  backend: PersistenceBackend,
  options: StartupCheckOptions,
  telemetry: TracedStartupOptions = {},
): Promise<StartupCheckResult> {
  checkTracedStartupOptions(telemetry);
  const known = telemetryOf(backend);
  let identity: Attributes;
  if (known && telemetry.backendName === undefined && telemetry.store === undefined) {
    identity = known.attributes;
  } else {
    const named = identifyStore(backend, telemetry);
    identity = { [BACKEND_ATTRIBUTE]: named.backend, [STORE_ATTRIBUTE]: named.store };
  }
  const tracer = telemetry.tracerProvider || !known ? providedTracer(telemetry) : known.tracer();
  return traced<StartupCheckResult>(
    tracer,
    {
      name: SPAN_NAMES.startupCheck,
      attributes: { ...identity, ...telemetry.attributes, ...requestedAttributes(options) },
      describe: startupAttributes,
      describeFailure: failureAttributes,
    },
    () => runStartupCheck(backend, options),
  );
}
