import type { RecordKind } from "../records.js";
import type { DropReason } from "./types.js";

/** The recorder's counter names (cumulative until `reset()`), in display order. */
export const RECORDER_COUNTER_NAMES = [
  "recorder_records_received",
  "recorder_records_written",
  "recorder_records_dropped",
  "recorder_dropped_overflow",
  "recorder_dropped_invalid",
  "recorder_dropped_closed",
  "recorder_dropped_events",
  "recorder_dropped_audits",
  "recorder_dropped_dead_letters",
  "recorder_write_errors",
  "recorder_batches",
] as const;

/** One of {@link RECORDER_COUNTER_NAMES}. */
export type RecorderCounterName = (typeof RECORDER_COUNTER_NAMES)[number];

/**
 * A plain copy of the recorder's counters plus two gauges, `recorder_pending_records` and
 * `recorder_pending_bytes` (what waits now; `reset()` leaves them as they are).
 */
export type RecorderMetricsSnapshot = Record<
  RecorderCounterName | "recorder_pending_records" | "recorder_pending_bytes",
  number
>;

const DROPPED_BY_KIND: Record<RecordKind, RecorderCounterName> = {
  event: "recorder_dropped_events",
  audit: "recorder_dropped_audits",
  dead_letter: "recorder_dropped_dead_letters",
};

const DROPPED_BY_REASON: Record<DropReason, RecorderCounterName> = {
  overflow: "recorder_dropped_overflow",
  invalid: "recorder_dropped_invalid",
  closed: "recorder_dropped_closed",
};

function zeroed(): Record<RecorderCounterName, number> {
  const out = {} as Record<RecorderCounterName, number>;
  for (const name of RECORDER_COUNTER_NAMES) out[name] = 0;
  return out;
}

/** The recorder's counters: synchronous field updates, a snapshot that never throws. */
export class RecorderMetrics {
  #counters = zeroed();
  readonly #gauges: () => { records: number; bytes: number };

  constructor(gauges: () => { records: number; bytes: number }) {
    this.#gauges = gauges;
  }

  /** Adds `by` (default 1) to a counter. */
  add(name: RecorderCounterName, by = 1): void {
    this.#counters[name] += by;
  }

  /** Counts one dropped record of `kind` for `reason`. */
  dropped(kind: RecordKind, reason: DropReason): void {
    this.#counters.recorder_records_dropped += 1;
    this.#counters[DROPPED_BY_KIND[kind]] += 1;
    this.#counters[DROPPED_BY_REASON[reason]] += 1;
  }

  /** Every counter and gauge as a plain object. Never throws. */
  snapshot(): RecorderMetricsSnapshot {
    const gauges = this.#gauges();
    return {
      ...this.#counters,
      recorder_pending_records: gauges.records,
      recorder_pending_bytes: gauges.bytes,
    };
  }

  /** Zeroes every counter; what waits is untouched. */
  reset(): void {
    this.#counters = zeroed();
  }
}
