import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CutContext,
  type ExploreOptions,
  type ExploreResult,
  exploreCrashStates,
} from "./explorer.js";
import { recordWorkload } from "./record-workload.js";
import type { RecordingFs } from "./recording-fs.js";

/** A power-loss scenario: a baseline, a recorded workload, and the check of every state it may leave. */
export interface PowerLossScenario {
  name: string;
  /** Writes the starting files into `dir` (taken as durable; not recorded). */
  setup?(dir: string): Promise<void>;
  /** What the service does; every change goes through `recorder`. Must close its stores. */
  workload(dir: string, recorder: RecordingFs): Promise<void>;
  /** Checks one state materialised in `dir` (a copy: it may change it); returns the problems. */
  check(dir: string, context: CutContext): Promise<string[]>;
}

/** What {@link runScenario} found. */
export interface ScenarioResult extends ExploreResult {
  name: string;
  /** Ops in the workload's log. */
  ops: number;
  /** Sync call sites the workload made (file and directory). */
  syncSites: string[];
  /** Files changed behind the recorder's back (should be none). */
  untracked: string[];
}

/** Records `scenario`'s workload in a fresh temp dir, then explores the states a power cut could leave. */
export async function runScenario(
  scenario: PowerLossScenario,
  options: ExploreOptions & { dropSyncAt?: string },
): Promise<ScenarioResult> {
  const dir = await mkdtemp(join(tmpdir(), "papyra-power-"));
  try {
    await scenario.setup?.(dir);
    const recorded = await recordWorkload(dir, (recorder) => scenario.workload(dir, recorder), {
      dropSyncAt: options.dropSyncAt,
    });
    const result = await exploreCrashStates(
      recorded.log,
      (state, context) => scenario.check(state, context),
      options,
    );
    return {
      ...result,
      name: scenario.name,
      ops: recorded.log.ops.length,
      syncSites: recorded.syncSites,
      untracked: recorded.untracked,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One line per result: what was explored and what failed, with the seed that replays it. */
export function describeResult(result: ScenarioResult): string {
  const head = `${result.name}: ${result.ops} ops, ${result.checked} states checked (${result.distinct} distinct${result.complete ? "" : ", enumeration capped"}), seed ${result.seed}, ${result.failures.length} failing`;
  const failures = result.failures.map(
    (f) =>
      `  cut ${f.cut} #${f.index}: ${f.problems.join("; ")} [${Object.entries(f.files)
        .map(([p, n]) => `${p}=${n}`)
        .join(" ")}]`,
  );
  return [head, ...failures].join("\n");
}
