import { type PersistenceMetrics, PersistenceUnavailableError } from "@papyra/core";

/** `"os"`: resolve once written to the OS (survives a process crash); `"fsync"`: once on disk. */
export type Durability = "os" | "fsync";

/** A batch of complete lines, in call order, as the writer hands it to a {@link BatchSink}. */
export interface LineBatch {
  /** Each line with its trailing `\n`. */
  readonly lines: readonly string[];
  /** UTF-8 byte length of each line (newline included), index for index. */
  readonly sizes: readonly number[];
}

/** The bytes of lines `start` (inclusive) to `end` (exclusive) of a batch: one string, one Buffer. */
export function batchBytes(batch: LineBatch, start = 0, end: number = batch.lines.length): Buffer {
  const text =
    start === 0 && end === batch.lines.length
      ? batch.lines.join("")
      : batch.lines.slice(start, end).join("");
  return Buffer.from(text, "utf8");
}

/**
 * Where a batch of lines goes. The writer hands each batch to `writeBatch` once; a sink may
 * split it, e.g. to rotate to a new segment before the write that would pass a size limit.
 *
 * Failure: throw {@link BatchWriteError} with `committed` = how many leading lines are stored
 * (those resolve, the rest reject); any other error rejects every line of the batch.
 */
export interface BatchSink {
  /** Names the store in error messages (a path). */
  readonly location: string;
  /** Stores `lines` in order; when `sync` is true they must be on disk before this resolves. */
  writeBatch(batch: LineBatch, sync: boolean): Promise<void>;
  /** Releases the sink (closes files). */
  close(): Promise<void>;
}

/** A sink failure after the first `committed` lines of the batch were stored. */
export class BatchWriteError extends Error {
  readonly committed: number;

  constructor(committed: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "BatchWriteError";
    this.committed = committed;
  }
}

/** Options of {@link GroupCommitWriter}. */
export interface GroupCommitOptions {
  durability?: Durability;
  /** Counts records_written, bytes_written and write_errors when given. */
  metrics?: PersistenceMetrics;
  /** Upper bound of one batch in bytes (a larger queue is written in several batches). Default 4 MiB. */
  maxBatchBytes?: number;
}

interface Pending {
  /** The line with its newline. */
  line: string;
  /** Its UTF-8 byte length. */
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Counters of what the writer did: batches are write calls to the sink. */
export interface GroupCommitStats {
  batches: number;
  records: number;
}

/**
 * Group commit: appends made while a batch is being written are gathered and written together
 * by the next batch, so N concurrent appends cost far fewer than N writes and fsyncs. Each
 * `append` resolves only once its line is stored as `durability` promises, or rejects.
 */
export class GroupCommitWriter {
  readonly #sink: BatchSink;
  readonly #sync: boolean;
  readonly #metrics: PersistenceMetrics | undefined;
  readonly #maxBatchBytes: number;
  #queue: Pending[] = [];
  #running: Promise<void> | null = null;
  #scheduled = false;
  #exclusive: Promise<unknown> | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  readonly stats: GroupCommitStats = { batches: 0, records: 0 };

  constructor(sink: BatchSink, options: GroupCommitOptions = {}) {
    this.#sink = sink;
    this.#sync = options.durability === "fsync";
    this.#metrics = options.metrics;
    this.#maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  }

  /** The sink batches go to. */
  get sink(): BatchSink {
    return this.#sink;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues one line (without its newline; one is added) and resolves once it is stored.
   * Rejects with PersistenceUnavailableError (cause: the fs error) when its batch fails.
   * `byteLength`: the line's UTF-8 length when the caller already knows it (saves a count).
   */
  append(line: string, byteLength?: number): Promise<void> {
    if (this.#closed) return Promise.reject(new WriterClosedError());
    const bytes = (byteLength ?? Buffer.byteLength(line, "utf8")) + 1;
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ line: `${line}\n`, bytes, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once everything appended before this call is settled (stored or rejected). */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#running || this.#scheduled) {
      if (this.#exclusive) await this.#exclusive;
      else if (this.#running) await this.#running;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Runs `fn` with the writer paused: settles what is queued, lets nothing be written while
   * `fn` runs (new appends wait), then resumes. For compaction and recovery inside the
   * writing process; reopen the sink in `fn` if it replaced the file.
   */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#exclusive) await this.#exclusive;
    let release: () => void = () => {};
    this.#exclusive = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (this.#running) await this.#running;
      const queued = this.#queue.length;
      let written = 0;
      while (written < queued && this.#queue.length > 0) {
        const batch = this.#takeBatch(queued - written);
        written += batch.length;
        await this.#writeBatch(batch);
      }
      return await fn();
    } finally {
      this.#exclusive = null;
      release();
      if (this.#queue.length > 0) this.#schedule();
    }
  }

  /** Flushes what is pending, then closes the sink. Later appends reject. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      while (this.#exclusive) await this.#exclusive;
      await this.flush();
      await this.#sink.close();
    })();
    return this.#closing;
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#exclusive) return;
    this.#scheduled = true;
    // setImmediate lets every append made in this turn of the event loop join the batch.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#exclusive) return;
      this.#running = this.#drainOne().finally(() => {
        this.#running = null;
        // Appends made while the last batch settled found #running set and did not schedule.
        if (this.#queue.length > 0) this.#schedule();
      });
    });
  }

  /**
   * One batch per event-loop turn: a sink may write on the event loop (`os` durability), so
   * looping here would let a stream of appends starve timers and I/O. Whatever is queued
   * when it settles is scheduled for the next turn.
   */
  async #drainOne(): Promise<void> {
    if (this.#queue.length > 0 && !this.#exclusive) await this.#writeBatch(this.#takeBatch());
  }

  #takeBatch(maxCount = Number.POSITIVE_INFINITY): Pending[] {
    let bytes = 0;
    let count = 0;
    for (const pending of this.#queue) {
      if (count >= maxCount) break;
      if (count > 0 && bytes + pending.bytes > this.#maxBatchBytes) break;
      bytes += pending.bytes;
      count += 1;
    }
    return this.#queue.splice(0, count);
  }

  async #writeBatch(batch: Pending[]): Promise<void> {
    let committed = 0;
    let failure: unknown = null;
    try {
      this.stats.batches += 1;
      const lines: string[] = new Array(batch.length);
      const sizes: number[] = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const pending = batch[i] as Pending;
        lines[i] = pending.line;
        sizes[i] = pending.bytes;
      }
      await this.#sink.writeBatch({ lines, sizes }, this.#sync);
      committed = batch.length;
    } catch (error) {
      committed =
        error instanceof BatchWriteError ? Math.max(0, Math.min(error.committed, batch.length)) : 0;
      failure = error instanceof BatchWriteError ? error.cause : error;
    }
    // Counted before the callers resume, so a resolved append is already in the metrics.
    let bytes = 0;
    for (let i = 0; i < committed; i++) bytes += (batch[i] as Pending).bytes;
    this.stats.records += committed;
    if (committed > 0) {
      this.#count("records_written", committed);
      this.#count("bytes_written", bytes);
    }
    if (committed < batch.length) this.#count("write_errors", batch.length - committed);
    for (let i = 0; i < batch.length; i++) {
      const pending = batch[i] as Pending;
      if (i < committed) pending.resolve();
      else pending.reject(writeFailure(this.#sink.location, failure));
    }
  }

  #count(name: "records_written" | "bytes_written" | "write_errors", by: number): void {
    try {
      this.#metrics?.increment(name, by);
    } catch {
      // A metrics failure never fails a storage operation.
    }
  }
}

/** Rejection of an append made after {@link GroupCommitWriter.close}; backends map it to PersistenceClosedError. */
export class WriterClosedError extends Error {
  constructor() {
    super("the writer is closed");
    this.name = "WriterClosedError";
  }
}

function writeFailure(location: string, cause: unknown): PersistenceUnavailableError {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const reason =
    code === "ENOSPC"
      ? "the disk is full"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "ENOENT"
          ? "the file or its directory was removed"
          : cause instanceof Error
            ? cause.message
            : String(cause);
  return new PersistenceUnavailableError(
    `Could not write to ${location}: ${reason}${code ? ` (${code})` : ""}. The record was not stored; records stored before are unaffected.`,
    { cause },
  );
}
