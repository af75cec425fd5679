import type { ListQuery, PersistenceBackend } from "./backend.js";
import { decodeLine, encodeRecord, lineBytes } from "./codec.js";
import { PersistenceClosedError, PersistenceValidationError } from "./errors.js";
import { type NormalizedListQuery, normalizeListQuery } from "./list-query.js";
import { PersistenceMetrics } from "./metrics.js";
import type { ActorEvent, AuditSnapshot, DeadLetter, RecordByKind, RecordKind } from "./records.js";
import type { StoredRecordByKind } from "./stored-records.js";

/** The operation a failure happened in, handed to {@link BackendBase.storeError}. */
export interface StoreFailure {
  operation: "record" | "list" | "scan" | "recover" | "compact";
  /** The record kind, for `record` and `list`. */
  kind?: RecordKind;
  /** The caller's signal, for scan / recover / compact: its own abort reason passes as is. */
  signal?: AbortSignal;
}

/** Options of a {@link BackendBase}. */
export interface BackendBaseOptions {
  /** The counters to use (default: new ones); pass them when parts built first need them. */
  metrics?: PersistenceMetrics;
  /**
   * True when the backend's writer counts `records_written`, `bytes_written` and
   * `write_errors` of {@link BackendBase.writeLine} itself (e.g. per group-commit batch);
   * the base then counts only encoding failures.
   */
  writerCounts?: boolean;
}

/**
 * The public backend contract (`record*`, `list*`, `close`, `await using`) over a few methods
 * a backend supplies: {@link writeLine} (store one encoded record of a kind), {@link readRecords}
 * (the records of a kind for a validated query) and optionally {@link closeStore}. The closed
 * state (every operation after `close()` rejects with PersistenceClosedError), the counters
 * and the error mapping (through {@link storeError}) live here, once. Backends with scan,
 * recovery and compaction extend `MaintainableBackendBase`. Third-party backends may still
 * implement `PersistenceBackend` by hand.
 */
export abstract class BackendBase<Listed extends StoredRecordByKind = StoredRecordByKind>
  implements PersistenceBackend
{
  /** In-process counters. */
  readonly metrics: PersistenceMetrics;
  readonly #writerCounts: boolean;
  readonly #pending = new Set<Promise<void>>();
  #closed = false;
  #closing: Promise<void> | null = null;

  protected constructor(options: BackendBaseOptions = {}) {
    this.metrics = options.metrics ?? new PersistenceMetrics();
    this.#writerCounts = options.writerCounts === true;
  }

  /** Stores one encoded record (`line`, without newline); resolves once stored. */
  protected abstract writeLine<K extends RecordKind>(
    kind: K,
    line: string,
    record: RecordByKind[K],
  ): Promise<void>;

  /** Reads the records of one kind a listing returns, within retention, for a valid query. */
  protected abstract readRecords<K extends RecordKind>(
    kind: K,
    query: NormalizedListQuery,
  ): Promise<Listed[K][]>;

  /** Releases what the backend holds; called once, by the first `close()`. Default: nothing. */
  protected closeStore(): Promise<void> {
    return Promise.resolve();
  }

  /** Encodes a record to its stored line (default `encodeRecord`); throws on a bad record. */
  protected encodeLine<K extends RecordKind>(kind: K, record: RecordByKind[K]): string {
    return encodeRecord(kind, record);
  }

  /** Validates a list query (default `normalizeListQuery`). */
  protected normalizeQuery(query: ListQuery | undefined): NormalizedListQuery {
    return normalizeListQuery(query);
  }

  /** Why this instance refuses writes (e.g. opened read-only), or undefined when it takes them. */
  protected writeRefusal(_kind: RecordKind): Error | undefined {
    return undefined;
  }

  /**
   * Maps a failure of one of the backend's methods to the error the caller sees. Default: as
   * thrown. Backends wrap storage failures in PersistenceUnavailableError here.
   */
  protected storeError(error: unknown, _failure: StoreFailure): unknown {
    return error;
  }

  /** True once `close()` was called. */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** Resolves once every write started so far has settled (for {@link closeStore}). */
  protected async settleWrites(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  /** Rejects with PersistenceClosedError once `close()` was called. */
  protected assertOpen(operation: string): void {
    if (this.#closed) throw new PersistenceClosedError(operation);
  }

  /** Stores a lifecycle event; resolves once stored as the backend's durability promises. */
  recordEvent(event: ActorEvent): Promise<void> {
    return this.#record("event", event);
  }

  /** Stores an audit snapshot; resolves once stored. */
  recordAudit(audit: AuditSnapshot): Promise<void> {
    return this.#record("audit", audit);
  }

  /** Stores a dead letter; resolves once stored. */
  recordDeadLetter(deadLetter: DeadLetter): Promise<void> {
    return this.#record("dead_letter", deadLetter);
  }

  /** Lists events within retention. */
  listEvents(query?: ListQuery): Promise<Listed["event"][]> {
    return this.#list("event", query);
  }

  /** Lists audit snapshots within retention. */
  listAudits(query?: ListQuery): Promise<Listed["audit"][]> {
    return this.#list("audit", query);
  }

  /** Lists dead letters within retention. */
  listDeadLetters(query?: ListQuery): Promise<Listed["dead_letter"][]> {
    return this.#list("dead_letter", query);
  }

  /** Flushes pending writes and releases resources. Idempotent, also when called concurrently. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = this.closeStore();
    return this.#closing;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * What a backend's `appendStoredLine` (the optional `StoredLineAppending` capability) calls:
   * stores `line` as given when it decodes as a record of a known kind, through
   * {@link writeLine} with the decoded record, as `record*` stores an encoded one (closed
   * state, {@link writeRefusal}, {@link checkStoredLine}, counters, {@link storeError}).
   */
  protected writeStoredLine(line: string): Promise<void> {
    const decoded = line.includes("\n") ? null : decodeLine(line);
    if (decoded?.type !== "record") {
      const why =
        decoded === null
          ? "it holds a newline"
          : decoded.type === "unknown_kind"
            ? "its kind is not one this version stores"
            : decoded.type === "blank"
              ? "it is blank"
              : decoded.detail;
      const error = new PersistenceValidationError("stored line", [
        { path: "", message: `the line is not a record: ${why}` },
      ]);
      return Promise.reject(error);
    }
    const kind = decoded.kind;
    return this.#store(kind, decoded.record as RecordByKind[typeof kind], () => {
      this.checkStoredLine(kind, line);
      return line;
    });
  }

  /** Refuses a stored line this backend could not read back (default: accepts every one). */
  protected checkStoredLine(_kind: RecordKind, _line: string): void {}

  #record<K extends RecordKind>(kind: K, record: RecordByKind[K]): Promise<void> {
    return this.#store(kind, record, () => this.encodeLine(kind, record));
  }

  async #store<K extends RecordKind>(
    kind: K,
    record: RecordByKind[K],
    encode: () => string,
  ): Promise<void> {
    if (this.#closing) {
      // A write racing close() settles once the close has: it never overtakes the flush.
      await this.#closing.catch(() => {});
      throw new PersistenceClosedError(`record ${kind}`);
    }
    const refusal = this.writeRefusal(kind);
    if (refusal) throw refusal;
    let line: string;
    try {
      line = encode();
    } catch (error) {
      this.metrics.increment("write_errors");
      throw error;
    }
    const write = this.writeLine(kind, line, record);
    this.#pending.add(write);
    try {
      await write;
    } catch (error) {
      if (!this.#writerCounts) this.metrics.increment("write_errors");
      throw this.storeError(error, { operation: "record", kind });
    } finally {
      this.#pending.delete(write);
    }
    if (!this.#writerCounts) {
      this.metrics.increment("records_written");
      this.metrics.increment("bytes_written", lineBytes(line));
    }
  }

  /**
   * Wraps a streamed read (`iterate`, `follow`): it rejects with PersistenceClosedError when
   * pulled after `close()`, each record it yields counts as `records_read` and a failure other
   * than the caller's abort as `read_errors` (the error passes as the stream raised it). `open`
   * runs at the first pull, so nothing is read for a stream nobody consumes.
   */
  protected async *streamRecords<T>(
    operation: "iterate" | "follow",
    open: () => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    this.assertOpen(operation);
    try {
      for await (const record of open()) {
        this.metrics.increment("records_read");
        yield record;
      }
    } catch (error) {
      if (!(error instanceof Error && error.name === "AbortError")) {
        this.metrics.increment("read_errors");
      }
      throw error;
    }
  }

  async #list<K extends RecordKind>(kind: K, query: ListQuery | undefined): Promise<Listed[K][]> {
    this.assertOpen("list");
    let normalized: NormalizedListQuery;
    try {
      normalized = this.normalizeQuery(query);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw error;
    }
    let records: Listed[K][];
    try {
      records = await this.readRecords(kind, normalized);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw this.storeError(error, { operation: "list", kind });
    }
    this.metrics.increment("records_read", records.length);
    return records;
  }
}
