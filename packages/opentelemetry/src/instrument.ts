import { type Attributes, metrics, type Tracer, trace } from "@opentelemetry/api";
import type { PersistenceBackend } from "@papyra/core";
import { observeCounters } from "./observe-counters.js";
import { checkInstrumentOptions, type InstrumentOptions } from "./options.js";
import { BACKEND_ATTRIBUTE, identifyStore, STORE_ATTRIBUTE } from "./store-identity.js";
import { wrapBackend } from "./wrap-backend.js";

/** The instrumentation scope (meter and tracer name) of everything this package records. */
export const INSTRUMENTATION_SCOPE = "@papyra/opentelemetry";

/** An instrumented backend and the handle that stops its telemetry. */
export interface Instrumentation<B extends PersistenceBackend> {
  /**
   * The backend to use from now on: the same type, the same behaviour, with `scan`, `recover`
   * and `compact` traced; its `close()` (or `await using`) also calls {@link dispose}.
   */
  readonly backend: B;
  /** `papyra.backend`, `papyra.store` and the caller's attributes, on every counter and span. */
  readonly attributes: Attributes;
  /**
   * Removes the counters' collection callback and stops tracing; the backend stays open and
   * keeps working. Idempotent. Also what `using` calls.
   */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** What a traced startup check needs to know about an instrumented backend. */
export interface Telemetry {
  tracer(): Tracer | null;
  readonly attributes: Attributes;
}

const registry = new WeakMap<object, Telemetry>();

/** The telemetry of a backend returned by {@link instrumentBackend}, if it is one. */
export function telemetryOf(backend: object): Telemetry | undefined {
  return registry.get(backend);
}

function tryGet<T>(get: () => T): T | null {
  try {
    return get() ?? null;
  } catch {
    return null;
  }
}

/**
 * Instruments a backend with OpenTelemetry through `@opentelemetry/api` only (the application
 * owns and starts the SDK; instrument after it has registered its providers, or pass them):
 *
 * - the 11 counters as observable counters (`papyra.records.written`, `papyra.bytes.written`,
 *   ...; see `PAPYRA_COUNTERS`) read from `metrics.snapshot()` when the SDK collects, never
 *   doing I/O, with the attributes `papyra.backend` and `papyra.store` (credentials masked);
 * - spans `papyra.scan`, `papyra.recover` and `papyra.compact` with the report's figures, and
 *   error status on failure. `runStartupCheck(instrumented.backend, ...)` traces the scans and
 *   recovery it runs; `runTracedStartupCheck` adds a parent span for the check itself.
 *
 * Telemetry never fails or delays a storage call: a meter or tracer that throws is skipped,
 * and `record*` / `list*` are the backend's own functions. Bad options throw
 * `PersistenceConfigurationError` (`PAPYRA_CONFIGURATION`) before anything is registered.
 */
export function instrumentBackend<B extends PersistenceBackend>(
  backend: B,
  options: InstrumentOptions = {},
): Instrumentation<B> {
  checkInstrumentOptions(options);
  const identity = identifyStore(backend, options);
  const attributes: Attributes = {
    [BACKEND_ATTRIBUTE]: identity.backend,
    [STORE_ATTRIBUTE]: identity.store,
    ...options.attributes,
  };
  const meter = tryGet(() =>
    (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE),
  );
  const tracer = tryGet(() =>
    (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE),
  );
  const unobserve = meter ? observeCounters(meter, backend, attributes) : () => {};
  let active = true;
  const dispose = (): void => {
    if (!active) return;
    active = false;
    unobserve();
  };
  const telemetry: Telemetry = { tracer: () => (active ? tracer : null), attributes };
  const wrapped = wrapBackend(backend, { ...telemetry, dispose });
  registry.set(wrapped, telemetry);
  return { backend: wrapped, attributes, dispose, [Symbol.dispose]: dispose };
}
