import { join } from "node:path";
import type { BackendName } from "./backends.js";
import { runInChild } from "./child.js";
import type { BenchConfig } from "./config.js";
import type { FigureBook } from "./results.js";
import { percentile } from "./stats.js";
import type { Facts } from "./targets.js";
import type { XStateResult } from "./tasks.js";

/** What the XState group needs of a run. */
export interface XStateRun {
  config: BenchConfig;
  tmp: string;
  book: FigureBook;
  facts: Facts;
  skipped: string[];
  notes: string[];
  available: Record<BackendName, string | true>;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

const pairedRatios = (a: number[], b: number[]): number[] =>
  a.flatMap((value, i) => (b[i] ? [value / (b[i] as number)] : []));

/**
 * Group `xstate`: an XState v5 system processing events as fast as it can, bare and inspected
 * by @papyra/xstate writing to a json `os` store. Both run in one child, round after round in
 * ABBA order (the machine's load drifts less within a pair than between processes); the target
 * is the median of the per-round ratios of events per wall-clock second, with the CPU-second
 * ratio beside it; an empty inspect callback shows what XState's Inspect API costs by itself.
 */
export async function xstateGroup(run: XStateRun, log: (message: string) => void): Promise<void> {
  if (run.available.json !== true) {
    run.skipped.push(`XState inspector overhead: ${run.available.json}`);
    return;
  }
  try {
    await import("@papyra/xstate");
  } catch (error) {
    run.skipped.push(`XState inspector overhead: @papyra/xstate (${firstLine(error)})`);
    return;
  }
  const rounds = run.config.scale === "quick" ? 8 : 16;
  const durationMs = Math.max(1000, run.config.appendMs);
  log(`xstate: desk system, ${rounds} rounds of bare, empty inspect callback and inspected`);
  let result: XStateResult;
  let peakRssMb: number;
  try {
    ({ result, peakRssMb } = await runInChild<XStateResult>({
      kind: "xstate",
      durationMs,
      rounds,
      dir: join(run.tmp, "xstate"),
    }));
  } catch (error) {
    run.skipped.push(`XState inspector overhead: failed (${firstLine(error)})`);
    return;
  }
  const group =
    "8. XState: an actor system processing events, with and without @papyra/xstate (json `os` store)";
  const labels = {
    bare: "bare XState",
    empty: "XState with an empty inspect callback (the Inspect API alone)",
    inspected: "inspected by @papyra/xstate",
  } as const;
  const add = (subject: keyof typeof labels, cpu: boolean, samples: number[]) =>
    run.book.add(
      {
        id: `xstate.${subject}${cpu ? "-cpu" : ""}`,
        group,
        label: `${labels[subject]}${cpu ? " (events per CPU second)" : ""}`,
        unit: "events/s",
        peakRssMb: cpu ? undefined : peakRssMb,
        note:
          subject === "inspected" && !cpu
            ? `${result.recordsWritten.toLocaleString("en-US")} records written, ${result.recordsDropped} dropped, over ${result.events.toLocaleString("en-US")} events`
            : undefined,
      },
      samples,
    );
  for (const subject of ["bare", "empty", "inspected"] as const) {
    add(subject, false, result[subject]);
    add(subject, true, result[`${subject}Cpu`]);
  }
  for (const suffix of ["", "-cpu"]) {
    run.book.compare(`xstate.empty${suffix}`, `xstate.bare${suffix}`);
    run.book.compare(`xstate.inspected${suffix}`, `xstate.bare${suffix}`);
  }
  const range = (values: number[]) =>
    `range ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  const wall = pairedRatios(result.inspected, result.bare);
  const cpu = pairedRatios(result.inspectedCpu, result.bareCpu);
  const own = pairedRatios(result.inspected, result.empty);
  const ownCpu = pairedRatios(result.inspectedCpu, result.emptyCpu);
  const api = pairedRatios(result.emptyCpu, result.bareCpu);
  run.facts.xstateRatio = percentile(wall, 50);
  run.facts.xstateDetail = `median of ${wall.length} paired rounds, events per wall-clock second (${range(wall)}); per CPU second ${percentile(cpu, 50).toFixed(2)}× (${range(cpu)}); an empty inspect callback alone gives ${percentile(api, 50).toFixed(2)}× per CPU second`;
  run.facts.xstateOwnRatio = percentile(own, 50);
  run.facts.xstateOwnDetail = `median of ${own.length} paired rounds, wall clock (${range(own)}); per CPU second ${percentile(ownCpu, 50).toFixed(2)}× (${range(ownCpu)})`;
  // The inspector's own CPU time per event: inspected minus empty callback, paired by round.
  const ownNs = result.inspectedCpu.flatMap((rate, i) => {
    const empty = result.emptyCpu[i];
    return rate > 0 && empty ? [1e9 / rate - 1e9 / empty] : [];
  });
  const bareNs = 1e9 / percentile(result.bareCpu, 50);
  const emptyNs = 1e9 / percentile(result.emptyCpu, 50);
  run.facts.xstateHandlerDetail = `@papyra/xstate's own time: ${percentile(ownNs, 50).toFixed(0)} ns of CPU per XState event (${result.inspectionEventsPerEvent.toFixed(1)} inspection events per event; median of the paired rounds), over ${emptyNs.toFixed(0)} ns with an empty inspect callback and ${bareNs.toFixed(0)} ns bare`;
  run.notes.push(
    `XState: one process runs ${rounds} rounds of ${durationMs} ms per subject (order reversed every other round), each with a fresh system (and store): an order desk counting items, spawning a child every 100 events that finishes at once (ActorStarted + ActorStopped), and an event to a finished child every 1000 (a dead letter); the loop yields to the event loop every 1000 events, when the recorder writes. The inspector's own time per event is the CPU time per event inspected minus that with an empty inspect callback, paired by round.`,
  );
}
