import {
  backendCapabilities,
  METRIC_NAMES,
  PapyraUsageError,
  type PersistenceBackend,
  PersistenceUnsupportedError,
  type StoredMetrics,
} from "@papyra/core";
import { identifyStore, renderPrometheusText } from "@papyra/opentelemetry/prometheus";
import { type CliContext, type CommandResult, withStore } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import type { Output } from "../output/output.js";
import { storeLine } from "../output/reports.js";
import { formatTimestamp } from "./inspect.js";

/** Durable metrics as the CLI reports them. */
export interface StoredMetricsView {
  available: boolean;
  counters: StoredMetrics["counters"] | null;
  /** Epoch seconds of the last reset, or null if never reset (or unavailable). */
  since: number | null;
  /** Why the counters are unavailable, when they are. */
  note: string | null;
}

function unavailableNote(backend: string): string {
  return `backend "${backend}" keeps no durable metrics: its counters live only in the process that uses it`;
}

/** Reads the store's durable counters, or says why there are none. */
export async function readMetrics(
  backend: PersistenceBackend,
  name: string,
): Promise<StoredMetricsView> {
  if (!backendCapabilities(backend).storedMetrics || !backend.readStoredMetrics) {
    return { available: false, counters: null, since: null, note: unavailableNote(name) };
  }
  const stored = await backend.readStoredMetrics();
  return { available: true, counters: stored.counters, since: stored.since, note: null };
}

/** Prints durable counters aligned, or `metrics: <unavailable>` with the reason. */
export function printStoredMetrics(out: Output, view: StoredMetricsView): void {
  if (!view.available || !view.counters) {
    out.line("metrics: <unavailable>");
    if (view.note) out.line(`  (${view.note})`);
    return;
  }
  const counters = view.counters as Record<string, number>;
  const names = [
    ...METRIC_NAMES,
    ...Object.keys(counters).filter((k) => !(METRIC_NAMES as readonly string[]).includes(k)),
  ];
  out.pairs(names.map((name) => [name, String(counters[name] ?? 0)] as const));
  out.pairs([
    ["since", view.since === null ? "never reset" : `reset at ${formatTimestamp(view.since)}`],
  ]);
}

/** How `metrics persistence` prints: for people, the `--json` document, or Prometheus text. */
export type MetricsFormat = "human" | "json" | "prometheus";

function metricsFormat(args: Record<string, unknown>): MetricsFormat {
  const format = args.format ?? "human";
  if (format !== "human" && format !== "json" && format !== "prometheus") {
    throw new PapyraUsageError(`--format must be human, json or prometheus, not ${String(format)}`);
  }
  if (format === "prometheus" && args.json === true) {
    throw new PapyraUsageError("--json and --format prometheus ask for two formats: give one");
  }
  return format;
}

/**
 * The counters in Prometheus text exposition format. A store without durable counters is an
 * error (exit 64), not an empty exposition: a textfile collector would report nothing wrong.
 */
function prometheusResult(
  backend: PersistenceBackend,
  backendName: string,
  metrics: StoredMetricsView,
): CommandResult {
  if (!metrics.available || !metrics.counters) {
    // Its counters live only in the process that uses it: there is nothing durable to export.
    throw new PersistenceUnsupportedError(backendName, "durable metrics (--format prometheus)");
  }
  const { store } = identifyStore(backend, { backendName });
  const text = renderPrometheusText(metrics.counters as Record<string, number>, {
    backend: backendName,
    store,
  });
  return {
    exitCode: ExitCode.ok,
    data: { metrics },
    print(out) {
      out.line(text.endsWith("\n") ? text.slice(0, -1) : text);
    },
  };
}

/** `metrics persistence`: the counters the store keeps across processes since the last reset. */
export async function metricsCommand(
  context: CliContext,
  args: Record<string, unknown>,
): Promise<CommandResult> {
  const format = metricsFormat(args);
  return withStore(context, args, async ({ backend, info }) => {
    const metrics = await readMetrics(backend, info.backend);
    if (format === "prometheus") return prometheusResult(backend, info.backend, metrics);
    return {
      exitCode: ExitCode.ok,
      data: { store: info, metrics },
      print(out) {
        out.pairs([["Store", storeLine(info)]]);
        printStoredMetrics(out, metrics);
      },
    };
  });
}

/** `metrics reset`: zeroes the store's durable counters. */
export async function metricsResetCommand(
  context: CliContext,
  args: Record<string, unknown>,
): Promise<CommandResult> {
  return withStore(context, args, async ({ backend, info }) => {
    const available = backendCapabilities(backend).storedMetrics;
    if (available) await backend.resetStoredMetrics?.();
    const note = available ? null : unavailableNote(info.backend);
    return {
      exitCode: ExitCode.ok,
      data: { store: info, reset: available, note },
      print(out) {
        out.pairs([["Store", storeLine(info)]]);
        if (available) out.line("Metrics reset: durable counters are now zero.");
        else out.line(`metrics: <unavailable> (${note}); nothing to reset`);
      },
    };
  });
}
