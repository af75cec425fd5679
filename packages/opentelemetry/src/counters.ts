import type { MetricName } from "@papyra/core";

/** How one of Papyra's 11 counters is named and described outside the process. */
export interface CounterDefinition {
  /** The counter's stable name in `metrics.snapshot()` (e.g. `records_written`). */
  readonly counter: MetricName;
  /** The OpenTelemetry instrument name (e.g. `papyra.records.written`); no `_total` suffix. */
  readonly otelName: string;
  /**
   * The Prometheus name (e.g. `papyra_records_written_total`): what `@opentelemetry/exporter-prometheus`
   * makes of {@link otelName} and what {@link renderPrometheusText} writes.
   */
  readonly prometheusName: string;
  /** UCUM unit: `By` for bytes, an annotation in braces (`{record}`) for counts. */
  readonly unit: string;
  /** One sentence for `# HELP` and the instrument's description. */
  readonly description: string;
}

function define(counter: MetricName, unit: string, description: string): CounterDefinition {
  return {
    counter,
    // OpenTelemetry names are dot-separated namespaces; the Prometheus exporter turns the dots
    // into underscores and appends `_total` to monotonic counters, so both names derive from one.
    otelName: `papyra.${counter.replaceAll("_", ".")}`,
    prometheusName: `papyra_${counter}_total`,
    unit,
    description,
  };
}

/** The 11 counters of SPEC §6, in `METRIC_NAMES` order, with their exported names and units. */
export const PAPYRA_COUNTERS: readonly CounterDefinition[] = [
  define("records_written", "{record}", "Records stored (each record* call that resolved)."),
  define("bytes_written", "By", "Bytes of stored lines written, newline included."),
  define("write_errors", "{error}", "record* calls that failed; a failed write counts only here."),
  define("records_read", "{record}", "Records returned by list* calls."),
  define("read_errors", "{error}", "list* calls that failed."),
  define(
    "scan_operations",
    "{scan}",
    "Scans run (scan(), and the scans of recoveries and startup checks).",
  ),
  define("anomaly_detected", "{anomaly}", "Anomalies found by scans (damaged lines, stray files)."),
  define("recovery_attempts", "{recovery}", "Recoveries started."),
  define("recovery_failures", "{recovery}", "Recoveries that failed or left damage behind."),
  define("compactions_triggered", "{compaction}", "Compactions started."),
  define("compaction_errors", "{error}", "Compactions that failed (damage, lock, I/O)."),
];
