import { METRIC_NAMES, PersistenceValidationError } from "@papyra/core";
import { z } from "zod";
import { PAPYRA_COUNTERS } from "./counters.js";
import { issuesOf } from "./issues.js";
import { maskCredentials } from "./redact.js";

/** The Prometheus label naming the backend; the exporter's name for `papyra.backend`. */
export const PROMETHEUS_BACKEND_LABEL = "papyra_backend";
/** The Prometheus label naming the store; the exporter's name for `papyra.store`. */
export const PROMETHEUS_STORE_LABEL = "papyra_store";
/** The `Content-Type` of what {@link renderPrometheusText} writes (text format 0.0.4). */
export const PROMETHEUS_TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The labels every sample of {@link renderPrometheusText} carries. */
export interface PrometheusLabels {
  /** The backend's name (`json`, `rotating`, `redis`, `memory`, ...): label `papyra_backend`. */
  backend: string;
  /** The store's path or location: label `papyra_store`. URL credentials are masked. */
  store: string;
  /** More labels, e.g. `{ role: "primary" }`: Prometheus label names, not starting with `__`. */
  extra?: Readonly<Record<string, string>>;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const counterValue = z
  .number({ error: "must be a finite number" })
  .nonnegative("must not be negative (counters only grow)");

const countersSchema = z.looseObject(
  Object.fromEntries(METRIC_NAMES.map((name) => [name, counterValue.optional()])),
);

const labelsSchema = z.strictObject({
  backend: z.string({ error: "must be a string" }).min(1, "must name the backend"),
  store: z.string({ error: "must be a string" }),
  extra: z
    .record(
      z
        .string()
        .regex(LABEL_NAME, "label names are letters, digits and _, not starting with a digit")
        .refine((name) => !name.startsWith("__"), "names starting with __ are Prometheus's own")
        .refine(
          (name) => name !== PROMETHEUS_BACKEND_LABEL && name !== PROMETHEUS_STORE_LABEL,
          "papyra_backend and papyra_store come from backend and store",
        ),
      z.string({ error: "must be a string" }),
    )
    .optional(),
});

/** A label value as the text format spells it: backslash, double quote and newline escaped. */
function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** `# HELP` text as the text format spells it: backslash and newline escaped. */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/**
 * The 11 counters in Prometheus text exposition format (0.0.4), for node_exporter's textfile
 * collector or any scraper: per counter a `# HELP`, a `# TYPE <name> counter` and one sample
 * `papyra_<counter>_total{papyra_backend="...",papyra_store="..."} <value>`, in `METRIC_NAMES`
 * order, ending with a newline. The names and labels are the ones `@opentelemetry/exporter-prometheus`
 * produces for the instruments of `instrumentBackend`, so one set of alert rules fits both.
 * A counter missing from `counters` is written as 0; other keys are ignored. Pure: no I/O.
 * Throws `PersistenceValidationError` (code `PAPYRA_VALIDATION`) for a negative or non-finite
 * counter, an empty backend name or a bad extra label name.
 */
export function renderPrometheusText(
  counters: Readonly<Record<string, number>>,
  labels: PrometheusLabels,
): string {
  const checkedCounters = countersSchema.safeParse(counters);
  if (!checkedCounters.success) {
    throw new PersistenceValidationError("counters", issuesOf(checkedCounters.error));
  }
  const checkedLabels = labelsSchema.safeParse(labels);
  if (!checkedLabels.success) {
    throw new PersistenceValidationError("Prometheus labels", issuesOf(checkedLabels.error));
  }
  const values = checkedCounters.data as Record<string, number | undefined>;
  const pairs: Array<[string, string]> = [
    [PROMETHEUS_BACKEND_LABEL, checkedLabels.data.backend],
    [PROMETHEUS_STORE_LABEL, maskCredentials(checkedLabels.data.store)],
    ...Object.entries(checkedLabels.data.extra ?? {}),
  ];
  const labelText = pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",");
  const lines: string[] = [];
  for (const definition of PAPYRA_COUNTERS) {
    const name = definition.prometheusName;
    lines.push(`# HELP ${name} ${escapeHelp(definition.description)}`);
    lines.push(`# TYPE ${name} counter`);
    lines.push(`${name}{${labelText}} ${values[definition.counter] ?? 0}`);
  }
  return `${lines.join("\n")}\n`;
}
