import type { ActorAddress, RecordKind } from "../records.js";

// What the recorder's three calls take: a record without the fields the recorder can fill in
// (`system_id` from its options, `timestamp` from the clock). Given values win.

/** A lifecycle event for {@link Recorder.event}; `system_id`, `timestamp` and `payload` are optional. */
export interface RecorderEventInput {
  actor_address: ActorAddress;
  event_type: string;
  payload?: Record<string, unknown>;
  system_id?: string;
  /** Unix epoch seconds; now when absent. */
  timestamp?: number;
  [extra: string]: unknown;
}

/** A dead letter for {@link Recorder.deadLetter}; `system_id`, `timestamp` and `payload` are optional. */
export interface RecorderDeadLetterInput {
  target: ActorAddress | null;
  message_type: string;
  payload?: unknown;
  system_id?: string;
  timestamp?: number;
  [extra: string]: unknown;
}

/**
 * An audit for {@link Recorder.audit}. The recorder adds `dropped_records`: how many records it
 * dropped since the previous audit it wrote.
 */
export interface RecorderAuditInput {
  total_actors: number;
  alive_actors: number;
  stopping_actors: number;
  restarting_actors: number;
  registry_size: number;
  registry_orphans: string[];
  registry_dead: string[];
  dead_letters_count: number;
  system_id?: string;
  timestamp?: number;
  [extra: string]: unknown;
}

/**
 * Why records were dropped: `overflow` (the bound on waiting records or bytes was reached while
 * the store was slow or failing), `invalid` (the store refused the record itself, or it could
 * not be serialised), `closed` (the recorder or the backend was closed before it was written).
 */
export type DropReason = "overflow" | "invalid" | "closed";

/** Records dropped for one reason, as handed to `onDrop` (coalesced: at most one call a tick). */
export interface DropReport {
  reason: DropReason;
  /** Records dropped for this reason since the previous report. */
  count: number;
  by_kind: Record<RecordKind, number>;
  /** Every record the recorder has dropped so far. */
  total_dropped: number;
  /** The store's error, for `invalid` and `closed` drops it caused. */
  error?: unknown;
}

/** A failed write, as handed to `onError`; the records wait (and are retried) unless closed. */
export interface WriteErrorReport {
  error: unknown;
  /** Records of the batch that failed and wait for the retry. */
  records: number;
  /** Milliseconds until the retry, or null when the recorder is closing. */
  retry_in_ms: number | null;
}

/** What {@link Recorder.flush} and {@link Recorder.close} achieved within their timeout. */
export interface DrainResult {
  /** True when everything accepted before the call was written or dropped. */
  drained: boolean;
  /** Records still waiting (for `close`: dropped because the timeout passed). */
  pending_records: number;
}
