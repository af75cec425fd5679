import { join } from "node:path";
import type { BackendName } from "./backends.js";
import { runInChild } from "./child.js";
import type { BenchConfig } from "./config.js";
import type { FigureBook } from "./results.js";
import { percentile } from "./stats.js";
import type { Facts } from "./targets.js";
import type { OtelAppendResult } from "./tasks.js";

/** What the OpenTelemetry group needs of a run. */
export interface OtelRun {
  config: BenchConfig;
  tmp: string;
  book: FigureBook;
  facts: Facts;
  skipped: string[];
  notes: string[];
  available: Record<BackendName, string | true>;
}

/** How often the instrumented subject's SDK collects (the SDK's default is every 60 s). */
const COLLECT_INTERVAL_MS = 100;
const WRITERS = 64;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

const pairedRatios = (a: number[], b: number[]): number[] =>
  a.flatMap((value, i) => (b[i] ? [value / (b[i] as number)] : []));

/**
 * Group `otel`: json `os` appends with 64 writers, bare and instrumented by
 * @papyra/opentelemetry with a real SDK MeterProvider collecting every 100 ms. The difference
 * looked for (< 5%) is smaller than a shared machine's noise between two processes or two
 * seconds, so both subjects run in one child, round after round in ABBA order, and the target
 * is the median of the per-round ratios, on records per CPU second (what an append costs) with
 * the wall-clock ratio beside it.
 */
export async function otelGroup(run: OtelRun, log: (message: string) => void): Promise<void> {
  if (run.available.json !== true) {
    run.skipped.push(`OpenTelemetry overhead: ${run.available.json}`);
    return;
  }
  try {
    await import("@papyra/opentelemetry");
  } catch (error) {
    run.skipped.push(`OpenTelemetry overhead: @papyra/opentelemetry (${firstLine(error)})`);
    return;
  }
  const rounds = run.config.scale === "quick" ? 12 : 24;
  const durationMs = Math.max(1000, run.config.appendMs);
  log(`otel: json os appends, ${WRITERS} writers, ${rounds} rounds of bare and instrumented`);
  let result: OtelAppendResult;
  let peakRssMb: number;
  try {
    ({ result, peakRssMb } = await runInChild<OtelAppendResult>({
      kind: "otel-append",
      writers: WRITERS,
      durationMs,
      rounds,
      dir: join(run.tmp, "otel"),
      collectIntervalMs: COLLECT_INTERVAL_MS,
    }));
  } catch (error) {
    run.skipped.push(`OpenTelemetry overhead: failed (${firstLine(error)})`);
    return;
  }
  const group =
    "7. OpenTelemetry: json `os` appends, 64 writers, with and without @papyra/opentelemetry";
  const subject = (instrumented: boolean, cpu: boolean) =>
    `${instrumented ? `instrumented, SDK collecting every ${COLLECT_INTERVAL_MS} ms` : "not instrumented"}${cpu ? " (records per CPU second)" : ""}`;
  const add = (id: string, instrumented: boolean, cpu: boolean, samples: number[]) =>
    run.book.add(
      {
        id,
        group,
        label: subject(instrumented, cpu),
        unit: "rec/s",
        peakRssMb: cpu ? undefined : peakRssMb,
        note:
          instrumented && !cpu
            ? `${result.collections} collections during ${result.records.toLocaleString("en-US")} appends`
            : undefined,
      },
      samples,
    );
  add("otel.bare", false, false, result.bare);
  add("otel.instrumented", true, false, result.instrumented);
  add("otel.bare-cpu", false, true, result.bareCpu);
  add("otel.instrumented-cpu", true, true, result.instrumentedCpu);
  run.book.compare("otel.instrumented", "otel.bare");
  run.book.compare("otel.instrumented-cpu", "otel.bare-cpu");
  const cpu = pairedRatios(result.instrumentedCpu, result.bareCpu);
  const wall = pairedRatios(result.instrumented, result.bare);
  run.facts.otelCpuRatio = percentile(cpu, 50);
  run.facts.otelDetail = `median of ${cpu.length} paired rounds, per CPU second (range ${Math.min(...cpu).toFixed(2)}–${Math.max(...cpu).toFixed(2)}); wall clock ${percentile(wall, 50).toFixed(2)}× (range ${Math.min(...wall).toFixed(2)}–${Math.max(...wall).toFixed(2)})`;
  // The cost model: what the wrapper adds per record and the SDK per collection, against the
  // CPU time of an append (from the bare store's records per CPU second).
  const bareCpu = percentile(result.bareCpu, 50);
  const perSecondNs =
    result.callNs * bareCpu + result.collectUs * 1000 * (1000 / COLLECT_INTERVAL_MS);
  run.facts.otelModelRatio = 1 / (1 + perSecondNs / 1e9);
  run.facts.otelModelDetail = `${result.callNs.toFixed(1)} ns per record call through the wrapper, ${result.collectUs.toFixed(0)} µs per collection × ${1000 / COLLECT_INTERVAL_MS}/s, against ${Math.round(1e9 / bareCpu)} ns of CPU per bare append`;
  run.notes.push(
    `OpenTelemetry: one process runs ${rounds} rounds of ${durationMs} ms per subject in ABBA order, each from an empty store; the instrumented store's 11 counters are observable counters read from metrics.snapshot() at each collection, and its record calls go through the instrumented wrapper.`,
  );
}
