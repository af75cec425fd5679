import { parseArgs } from "node:util";

/** Every workload group the bench can run, in report order. */
export const GROUPS = [
  "append",
  "tail",
  "bulk",
  "startup",
  "redis",
  "cli",
  "otel",
  "export",
  "xstate",
] as const;
/** One of {@link GROUPS}. */
export type Group = (typeof GROUPS)[number];

/** How big and how long a run is. */
export interface BenchConfig {
  scale: "quick" | "full";
  groups: Group[];
  /** Milliseconds each append repetition runs for. */
  appendMs: number;
  /** Repetitions per append figure (after one warmup). */
  appendReps: number;
  /** Store sizes for tail reads and startup checks, in bytes. */
  tailSizes: number[];
  /** Size of the store that scan, recovery and compaction run on, in bytes. */
  bulkSize: number;
  /** Repetitions of each scan/recovery/compaction/plain pass. */
  bulkReps: number;
  /** Start no further bulk repetition once this many milliseconds were spent on the group. */
  bulkBudgetMs: number;
  /** Entries in the Redis stream for the list and scan figures. */
  redisEntries: number;
  /** listEvents calls timed per store. */
  tailCalls: number;
  /** Whole-process CLI runs timed per command. */
  cliRuns: number;
  /** Repetitions of the incremental startup check (1 MB appended each time). */
  startupReps: number;
  /** Worker task kinds to run under `node --cpu-prof` (profiles go to results/profiles). */
  profile: string[];
  /** Append subjects to run (all when empty). */
  subjects: string[];
  /** Where results are written. */
  outName: string;
}

const MB = 1024 * 1024;

/**
 * Reads flags (`--quick`, `--only=append,tail`, `--subjects=json-os,pino`, `--profile=bulk`)
 * and PAPYRA_BENCH_SCALE.
 */
export function readConfig(argv: string[]): BenchConfig {
  const { values } = parseArgs({
    // `pnpm run bench -- --quick` hands the script a literal "--"; it means nothing here.
    args: argv.filter((arg) => arg !== "--"),
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      profile: { type: "string" },
      out: { type: "string" },
      subjects: { type: "string" },
    },
    strict: true,
  });
  const envScale = process.env.PAPYRA_BENCH_SCALE;
  if (envScale !== undefined && envScale !== "quick" && envScale !== "full") {
    throw new Error(
      `PAPYRA_BENCH_SCALE must be "quick" or "full", not ${JSON.stringify(envScale)}`,
    );
  }
  const scale = values.quick || envScale === "quick" ? "quick" : "full";
  const groups = values.only
    ? values.only.split(",").map((name) => {
        if (!(GROUPS as readonly string[]).includes(name)) {
          throw new Error(
            `--only: unknown group ${JSON.stringify(name)}; use ${GROUPS.join(", ")}`,
          );
        }
        return name as Group;
      })
    : [...GROUPS];
  const profile = values.profile ? values.profile.split(",") : [];
  const quick = scale === "quick";
  return {
    scale,
    groups,
    appendMs: quick ? 300 : 1000,
    appendReps: quick ? 3 : 5,
    tailSizes: quick ? [10 * MB, 50 * MB] : [10 * MB, 100 * MB, 1024 * MB],
    bulkSize: quick ? 50 * MB : 1024 * MB,
    bulkReps: quick ? 2 : 3,
    bulkBudgetMs: quick ? 60_000 : 7 * 60_000,
    redisEntries: quick ? 100_000 : 1_000_000,
    tailCalls: quick ? 100 : 300,
    cliRuns: quick ? 5 : 10,
    startupReps: quick ? 3 : 5,
    profile,
    subjects: values.subjects ? values.subjects.split(",") : [],
    outName: values.out ?? (quick ? "quick" : "latest"),
  };
}
