/** What can append records in the append workload: Papyra backends and the baselines. */
export const APPEND_SUBJECTS = [
  "memory",
  "json-os",
  "json-fsync",
  "rotating-os",
  "rotating-fsync",
  "redis",
  "group-write",
  "group-fdatasync",
  "write-per-record",
  "fdatasync-per-record",
  "pino",
  "ioredis-xadd",
] as const;
/** One of {@link APPEND_SUBJECTS}. */
export type AppendSubject = (typeof APPEND_SUBJECTS)[number];

/** Bulk operations over one big store. */
export type BulkOp = "scan" | "recover" | "compact" | "plain";

/** A unit of work run in a child process, so its peak RSS is its own. */
export type Task =
  | {
      kind: "append";
      subject: AppendSubject;
      writers: number;
      durationMs: number;
      reps: number;
      dir: string;
      redisUrl?: string;
    }
  | {
      kind: "otel-append";
      writers: number;
      durationMs: number;
      rounds: number;
      dir: string;
      collectIntervalMs: number;
    }
  | { kind: "xstate"; durationMs: number; rounds: number; dir: string }
  | { kind: "tail"; path: string; calls: number }
  | { kind: "bulk"; op: BulkOp; path: string; keepRecords?: number }
  | { kind: "startup"; path: string; reps: number; appendBytes: number; verifyFull: boolean }
  | { kind: "redis-fill"; url: string; prefix: string; entries: number }
  | { kind: "redis-list"; url: string; prefix: string; calls: number }
  | { kind: "redis-scan"; url: string; prefix: string; raw: boolean };

/** Throughput samples of one append figure (records per second, one per repetition). */
export interface AppendResult {
  samples: number[];
  records: number;
  bytes: number;
}

/**
 * json appends, bare and instrumented by @papyra/opentelemetry, one sample of each per round
 * (index i of every array is round i).
 */
export interface OtelAppendResult {
  /** Records per wall-clock second. */
  bare: number[];
  instrumented: number[];
  /** Records per CPU second of the process (user + system). */
  bareCpu: number[];
  instrumentedCpu: number[];
  /** Records appended by the instrumented store, and collections of its counters meanwhile. */
  records: number;
  collections: number;
  /** Extra nanoseconds of one record call through the instrumented wrapper (least of 5 runs). */
  callNs: number;
  /** Microseconds of one collection of an instrumented store's counters by the SDK. */
  collectUs: number;
}

/**
 * An XState system processing events, bare, with an empty inspect callback, and inspected by
 * @papyra/xstate, one sample of each
 * per round (index i of every array is round i).
 */
export interface XStateResult {
  /** XState events per wall-clock second. */
  bare: number[];
  /** With an inspect callback that does nothing: the cost of XState's Inspect API itself. */
  empty: number[];
  inspected: number[];
  /** XState events per CPU second of the process (user + system). */
  bareCpu: number[];
  emptyCpu: number[];
  inspectedCpu: number[];
  /** Events the inspected systems processed, and what their recorders wrote and dropped. */
  events: number;
  recordsWritten: number;
  recordsDropped: number;
  /** Inspection events XState emits per event sent, in this workload. */
  inspectionEventsPerEvent: number;
}

/** Latency samples of listEvents calls on one store. */
export interface TailResult {
  samples: number[];
  openMs: number;
  firstCallMs: number;
  returned: number;
}

/** One bulk pass. */
export interface BulkResult {
  ms: number;
  bytes: number;
  records: number;
  detail: string;
}

/** Startup checks on one store. */
export interface StartupResult {
  neverCheckedMs: number;
  neverCheckedIncremental: boolean;
  neverCheckedBytes: number | null;
  afterAppendMs: number[];
  afterAppendOpenMs: number[];
  afterAppendIncremental: boolean[];
  afterAppendBytes: (number | null)[];
  /** Records the backend appended over all repetitions. */
  appendedRecords: number;
  /** A full `scan()` afterwards (when asked for): what it covered. */
  fullScan: {
    incremental: boolean;
    records: number;
    bytes: number | null;
    fileBytes: number;
  } | null;
}

/** What a child sends back. */
export interface ChildReply<T = unknown> {
  ok: boolean;
  result?: T;
  error?: string;
  maxRssKb: number;
}
