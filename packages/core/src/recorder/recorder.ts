import type { PersistenceBackend } from "../backend.js";
import { ErrorCode } from "../errors.js";
import {
  type ActorEvent,
  type AuditSnapshot,
  type DeadLetter,
  nowSeconds,
  type RecordKind,
} from "../records.js";
import { callSafely, DropLedger } from "./drop-ledger.js";
import {
  type RecorderOptions,
  type ResolvedRecorderOptions,
  resolveRecorderOptions,
} from "./options.js";
import { PendingQueue, type PendingRecord } from "./pending-queue.js";
import { RecorderMetrics, type RecorderMetricsSnapshot } from "./recorder-metrics.js";
import type {
  DrainResult,
  DropReason,
  RecorderAuditInput,
  RecorderDeadLetterInput,
  RecorderEventInput,
} from "./types.js";

/**
 * Writes records to a backend in the background, for code that must never wait for or fail
 * because of its store (an actor runtime, a worker pool). `event`, `deadLetter` and `audit`
 * return at once and never throw; records go to the backend in batches; what waits is bounded
 * in records and bytes; what cannot wait is dropped and counted (metrics, `onDrop`, and the
 * `dropped_records` field of the next audit written).
 */
export interface Recorder extends AsyncDisposable {
  /** Queues a lifecycle event. Returns at once; never throws. */
  event(input: RecorderEventInput): void;
  /** Queues a dead letter. Returns at once; never throws. */
  deadLetter(input: RecorderDeadLetterInput): void;
  /** Queues an audit; the recorder adds `dropped_records`. Returns at once; never throws. */
  audit(input: RecorderAuditInput): void;
  /**
   * Waits until everything queued before the call is written or dropped, or `timeoutMs`
   * (default `drainTimeoutMs`) passes. A write waiting for its retry is tried at once. Never rejects.
   */
  flush(timeoutMs?: number): Promise<DrainResult>;
  /**
   * Stops accepting records (later ones are dropped as `closed`), drains within `timeoutMs`,
   * then drops what is left. Idempotent; never rejects. Does not close the backend.
   */
  close(timeoutMs?: number): Promise<DrainResult>;
  /** The recorder's counters and what waits now; synchronous, never throws. */
  readonly metrics: { snapshot(): RecorderMetricsSnapshot; reset(): void };
  /** True once `close()` was called. */
  readonly closed: boolean;
}

interface FlushWaiter {
  target: number;
  done: () => void;
}

const utf8Bytes = (text: string): number => Buffer.byteLength(text, "utf8") + 1;

/** `invalid` or `closed` for errors retrying cannot fix; null for a store that may come back. */
function dropReasonOf(error: unknown): DropReason | null {
  const code =
    typeof error === "object" && error !== null ? (error as { code?: unknown }).code : null;
  if (code === ErrorCode.validation) return "invalid";
  if (code === ErrorCode.closed) return "closed";
  return null;
}

function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

class BackgroundRecorder implements Recorder {
  readonly #backend: PersistenceBackend;
  readonly #options: ResolvedRecorderOptions;
  readonly #queue: PendingQueue;
  readonly #metrics: RecorderMetrics;
  #seq = 0;
  #closing = false;
  #abandoned = false;
  #closePromise: Promise<DrainResult> | null = null;
  #running = false;
  #retryDelay: number;
  #wake: (() => void) | null = null;
  #waiters: FlushWaiter[] = [];
  readonly #drops: DropLedger;

  constructor(backend: PersistenceBackend, options: RecorderOptions) {
    this.#backend = backend;
    this.#options = resolveRecorderOptions(options);
    this.#queue = new PendingQueue(this.#options.maxPendingRecords, this.#options.maxPendingBytes);
    this.#metrics = new RecorderMetrics(() => ({
      records: this.#queue.records,
      bytes: this.#queue.bytes,
    }));
    this.#retryDelay = this.#options.retryDelayMs;
    this.#drops = new DropLedger(this.#metrics, this.#options.onDrop);
  }

  get metrics(): RecorderMetrics {
    return this.#metrics;
  }

  get closed(): boolean {
    return this.#closing;
  }

  event(input: RecorderEventInput): void {
    this.#accept("event", () => ({
      ...input,
      system_id: input.system_id ?? this.#options.systemId,
      payload: input.payload ?? {},
      timestamp: input.timestamp ?? nowSeconds(),
    }));
  }

  deadLetter(input: RecorderDeadLetterInput): void {
    this.#accept("dead_letter", () => ({
      ...input,
      system_id: input.system_id ?? this.#options.systemId,
      payload: input.payload === undefined ? null : input.payload,
      timestamp: input.timestamp ?? nowSeconds(),
    }));
  }

  audit(input: RecorderAuditInput): void {
    this.#accept("audit", () => ({
      ...input,
      system_id: input.system_id ?? this.#options.systemId,
      timestamp: input.timestamp ?? nowSeconds(),
    }));
  }

  flush(timeoutMs = this.#options.drainTimeoutMs): Promise<DrainResult> {
    const target = this.#seq;
    this.#wake?.();
    if (this.#queue.oldestSeq > target) {
      return Promise.resolve({ drained: true, pending_records: this.#queue.records });
    }
    return new Promise((resolve) => {
      const waiter: FlushWaiter = {
        target,
        done: () => {
          clearTimeout(timer);
          resolve({ drained: true, pending_records: this.#queue.records });
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve({ drained: false, pending_records: this.#queue.records });
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  close(timeoutMs = this.#options.drainTimeoutMs): Promise<DrainResult> {
    this.#closePromise ??= this.#close(timeoutMs);
    return this.#closePromise;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close().then(() => undefined);
  }

  async #close(timeoutMs: number): Promise<DrainResult> {
    this.#closing = true;
    const result = await this.flush(timeoutMs);
    if (!result.drained) {
      // Whatever is still in flight is dropped as `closed` if it fails (see #drain).
      this.#abandoned = true;
      this.#wake?.();
      for (const item of this.#queue.drainWaiting()) this.#drops.drop(item.kind, "closed");
    }
    this.#drops.report();
    return { drained: result.drained, pending_records: result.pending_records };
  }

  #accept(kind: RecordKind, build: () => ActorEvent | AuditSnapshot | DeadLetter): void {
    try {
      this.#metrics.add("recorder_records_received");
      if (this.#closing) {
        this.#drops.drop(kind, "closed");
        return;
      }
      const record = build();
      let json: string | undefined;
      try {
        json = JSON.stringify(record);
      } catch (error) {
        this.#drops.drop(kind, "invalid", error);
        return;
      }
      if (typeof json !== "string") {
        this.#drops.drop(kind, "invalid");
        return;
      }
      const item: PendingRecord = { kind, record, bytes: utf8Bytes(json), seq: ++this.#seq };
      const dropped = this.#queue.offer(item);
      for (const lost of dropped) this.#drops.drop(lost.kind, "overflow");
      if (dropped.length > 0) this.#notifyWaiters();
      this.#schedule();
    } catch (error) {
      // Nothing above should throw; if it does, the caller still must not see it.
      try {
        this.#drops.drop(kind, "invalid", error);
      } catch {
        // Give up quietly: the record is lost, the runtime keeps going.
      }
    }
  }

  #schedule(): void {
    if (this.#running || this.#queue.records === 0) return;
    this.#running = true;
    queueMicrotask(() => {
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.records > 0 && !this.#abandoned) {
        const batch = this.#queue.takeBatch(this.#options.batchSize);
        const carried = this.#stampAudits(batch);
        const outcomes = await Promise.allSettled(batch.map((item) => this.#write(item)));
        this.#metrics.add("recorder_batches");
        const retry: PendingRecord[] = [];
        let failure: unknown;
        outcomes.forEach((outcome, i) => {
          const item = batch[i] as PendingRecord;
          if (outcome.status === "fulfilled") {
            this.#metrics.add("recorder_records_written");
            this.#drops.unreported -= carried.get(item) ?? 0;
            return;
          }
          const reason = dropReasonOf(outcome.reason);
          if (reason !== null || this.#abandoned) {
            this.#drops.drop(item.kind, reason ?? "closed", outcome.reason);
            return;
          }
          this.#metrics.add("recorder_write_errors");
          if (retry.length === 0) failure = outcome.reason;
          retry.push(item);
        });
        this.#queue.settleBatch(retry);
        this.#notifyWaiters();
        if (retry.length === 0) {
          this.#retryDelay = this.#options.retryDelayMs;
          continue;
        }
        const delay = this.#retryDelay;
        this.#retryDelay = Math.min(delay * 2, this.#options.maxRetryDelayMs);
        callSafely(this.#options.onError, {
          error: failure,
          records: retry.length,
          retry_in_ms: delay,
        });
        await this.#sleep(delay);
      }
    } finally {
      this.#running = false;
    }
  }

  /** Writes into each audit of the batch the drops not yet reported by a written audit. */
  #stampAudits(batch: PendingRecord[]): Map<PendingRecord, number> {
    const carried = new Map<PendingRecord, number>();
    let unreported = this.#drops.unreported;
    for (const item of batch) {
      if (item.kind !== "audit") continue;
      (item.record as AuditSnapshot).dropped_records = unreported;
      carried.set(item, unreported);
      unreported = 0;
    }
    return carried;
  }

  #write(item: PendingRecord): Promise<void> {
    try {
      switch (item.kind) {
        case "event":
          return this.#backend.recordEvent(item.record as ActorEvent);
        case "audit":
          return this.#backend.recordAudit(item.record as AuditSnapshot);
        case "dead_letter":
          return this.#backend.recordDeadLetter(item.record as DeadLetter);
      }
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      // The recorder alone never keeps a process alive; close() is what waits.
      unrefTimer(timer);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = null;
        finish();
      };
    });
  }

  #notifyWaiters(): void {
    if (this.#waiters.length === 0) return;
    const oldest = this.#queue.oldestSeq;
    const still: FlushWaiter[] = [];
    for (const waiter of this.#waiters) {
      if (oldest > waiter.target) waiter.done();
      else still.push(waiter);
    }
    this.#waiters = still;
  }
}

/**
 * Creates a {@link Recorder} writing to `backend`. Options are validated here (a
 * PersistenceValidationError lists every problem); after that nothing the recorder does throws.
 */
export function createRecorder(backend: PersistenceBackend, options: RecorderOptions): Recorder {
  return new BackgroundRecorder(backend, options);
}
