import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type ActorEvent,
  type AuditSnapshot,
  type CompactionReport,
  type CompactOptions,
  type DeadLetter,
  encodeRecord,
  type ListQuery,
  type NormalizedListQuery,
  normalizeListQuery,
  type PersistenceBackend,
  PersistenceClosedError,
  PersistenceMetrics,
  PersistenceUnavailableError,
  PersistenceValidationError,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  type ScanOptions,
  type ScanReport,
  type StoredActorEvent,
  type StoredAuditSnapshot,
  type StoredDeadLetter,
  type StoredMetrics,
  type StoredRecordByKind,
  validateRecoveryConfig,
} from "@papyra/core";
import { DEFAULT_MAX_LINE_BYTES } from "./decode.js";
import { DurableMetrics, readMetricsFile, resetMetricsFile } from "./durable-metrics.js";
import {
  type BatchSink,
  type Durability,
  GroupCommitWriter,
  WriterClosedError,
} from "./group-commit.js";
import { type SidecarPaths, sidecarPaths } from "./sidecars.js";
import { asStoreError } from "./store-errors.js";
import { acquireWriterLock, type WriterLock } from "./writer-lock.js";

/** The sink of a {@link FileStore}: a {@link BatchSink} that knows its size and can reopen. */
export interface StoreSink extends BatchSink {
  /** Where the last complete batch ends in the file being appended to; undefined while none is open. */
  readonly activeSize: number | undefined;
  /** Reopens the file(s) by path, after a rewrite may have replaced them. */
  reopen(): Promise<void>;
}

/** What a {@link FileStore} is told by its backend. */
export interface FileStoreSettings {
  /** Absolute path of the store's (active) NDJSON file; sidecars live beside it. */
  path: string;
  /** Names the store in messages, e.g. `"JSON store"`. */
  label: string;
  durability: Durability;
  readOnly: boolean;
  retention: RetentionPolicy;
  /** Largest line (without its newline) reads accept. Default {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
}

interface Writing {
  lock: WriterLock;
  sink: StoreSink;
  writer: GroupCommitWriter;
}

/** Writers open in this process, by path: other instances' maintenance pauses them instead of failing on the lock. */
const writersInProcess = new Map<string, Writing>();

/**
 * What every NDJSON file store does the same way: the writer lock, the group-commit writer,
 * `record*` and `list*`, the closed state, durable metrics, and running scan / recover /
 * compact with the right counters, error mapping and exclusivity (the writer paused when this
 * process writes the store, else the writer lock). A backend extends it and supplies what
 * differs: its sink ({@link start}), how a listing reads ({@link readRecords}), and scan,
 * repair and compaction over its files.
 */
export abstract class FileStore implements PersistenceBackend {
  /** Absolute path of the store's (active) NDJSON file. */
  readonly path: string;
  /** When a `record*` promise resolves: handed to the OS, or on disk. */
  readonly durability: Durability;
  /** True when opened without the writer lock (`record*` reject). */
  readonly readOnly: boolean;
  /** The retention policy applied on reads and by `compact()`. */
  readonly retention: RetentionPolicy;
  /** This process's counters (the store-wide ones: {@link readStoredMetrics}). */
  readonly metrics = new PersistenceMetrics();
  /** Largest line (without its newline) reads accept; `record*` refuse anything longer. */
  protected readonly maxLineBytes: number;
  /** The lock, metrics and checkpoint files beside the store. */
  protected readonly sidecars: SidecarPaths;
  /** Names the store in messages, e.g. `"JSON store"`. */
  protected readonly label: string;
  readonly #durable: DurableMetrics;
  #writing: Writing | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  /** Serialises maintenance of an instance without an in-process writer (it takes the lock itself). */
  #maintenance: Promise<unknown> = Promise.resolve();

  protected constructor(settings: FileStoreSettings) {
    this.path = settings.path;
    this.label = settings.label;
    this.durability = settings.durability;
    this.readOnly = settings.readOnly;
    this.retention = settings.retention;
    this.maxLineBytes = settings.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.sidecars = sidecarPaths(this.path);
    this.#durable = new DurableMetrics(this.sidecars.metrics, this.metrics);
  }

  /**
   * Finishes opening: checks the directory exists and the path is not something other than a
   * file; a writer then takes the writer lock, calls `openSink` under it (where a backend may
   * also clean up after a crash) and starts the group-commit writer. Durable metrics start last.
   * Call once, from the backend's `open`.
   */
  protected async start(openSink: () => Promise<StoreSink>): Promise<void> {
    await this.#checkLocation();
    if (!this.readOnly) {
      const lock = await acquireWriterLock(this.sidecars.lock, { location: this.path });
      try {
        const sink = await openSink();
        const writer = new GroupCommitWriter(sink, {
          durability: this.durability,
          metrics: this.metrics,
        });
        this.#writing = { lock, sink, writer };
        writersInProcess.set(this.path, this.#writing);
      } catch (error) {
        await lock.release();
        throw error instanceof PersistenceUnavailableError
          ? error
          : new PersistenceUnavailableError(
              `Cannot open ${this.label} ${this.path}: ${(error as Error).message}`,
              { cause: error },
            );
      }
    }
    await this.#durable.start();
  }

  /** Reads the records of one kind a listing returns (closed state, counters and errors are handled). */
  protected abstract readRecords<K extends RecordKind>(
    kind: K,
    query: NormalizedListQuery,
  ): Promise<StoredRecordByKind[K][]>;

  /** Scans the store's files (counters and error mapping are handled). */
  protected abstract scanFiles(options: ScanOptions): Promise<ScanReport>;

  /**
   * Repairs what `report.scan_before` found, filling `repaired_files`, `quarantined_files` and
   * the dropped counts. Runs exclusively, only for `repair` / `quarantine` and only over damage.
   */
  protected abstract repairFiles(report: RecoveryReport, config: RecoveryConfig): Promise<void>;

  /** Compacts the store's files; runs exclusively. */
  protected abstract compactFiles(options: CompactOptions): Promise<CompactionReport>;

  recordEvent(event: ActorEvent): Promise<void> {
    return this.#record("event", event);
  }

  recordAudit(audit: AuditSnapshot): Promise<void> {
    return this.#record("audit", audit);
  }

  recordDeadLetter(deadLetter: DeadLetter): Promise<void> {
    return this.#record("dead_letter", deadLetter);
  }

  listEvents(query?: ListQuery): Promise<StoredActorEvent[]> {
    return this.#list("event", query);
  }

  listAudits(query?: ListQuery): Promise<StoredAuditSnapshot[]> {
    return this.#list("audit", query);
  }

  listDeadLetters(query?: ListQuery): Promise<StoredDeadLetter[]> {
    return this.#list("dead_letter", query);
  }

  async #record<K extends RecordKind>(kind: K, record: RecordByKind[K]): Promise<void> {
    if (this.#closed) throw new PersistenceClosedError(`record ${kind}`);
    if (!this.#writing) {
      throw new PersistenceUnavailableError(
        `Cannot record: ${this.label} ${this.path} was opened read-only. Open it without readOnly to write.`,
      );
    }
    let line: string;
    let size: number;
    try {
      line = encodeRecord(kind, record);
      size = Buffer.byteLength(line, "utf8");
      if (size > this.maxLineBytes) {
        // Stored, it would read back as CORRUPTED_LINE and repair would drop it.
        throw new PersistenceValidationError(`${kind} record`, [
          {
            path: "",
            message: `the record is ${size} bytes once serialised; the largest this store can read back is ${this.maxLineBytes} bytes`,
          },
        ]);
      }
    } catch (error) {
      this.metrics.increment("write_errors");
      throw error;
    }
    try {
      await this.#writing.writer.append(line, size);
    } catch (error) {
      if (error instanceof WriterClosedError) throw new PersistenceClosedError(`record ${kind}`);
      throw error;
    }
  }

  async #list<K extends RecordKind>(
    kind: K,
    query: ListQuery | undefined,
  ): Promise<StoredRecordByKind[K][]> {
    if (this.#closed) throw new PersistenceClosedError("list");
    let normalized: NormalizedListQuery;
    try {
      normalized = normalizeListQuery(query);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw error;
    }
    try {
      const records = await this.readRecords(kind, normalized);
      this.metrics.increment("records_read", records.length);
      return records;
    } catch (error) {
      this.metrics.increment("read_errors");
      throw new PersistenceUnavailableError(
        `Cannot read ${this.label} ${this.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Checks the store for damage without changing it. */
  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    if (this.#closed) throw new PersistenceClosedError("scan");
    this.metrics.increment("scan_operations");
    let report: ScanReport;
    try {
      report = await this.scanFiles(options);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw asStoreError(error, `scan ${this.path}`, options.signal);
    }
    this.metrics.increment("anomaly_detected", report.anomalies.length);
    return report;
  }

  /**
   * Recovers from damage: `ignore` scans only; `repair` and `quarantine` repair what the scan
   * found, then scan again. Runs with the writer paused in the writing process, or under the
   * writer lock otherwise (PersistenceLockedError when a running writer holds it).
   */
  async recover(config: RecoveryConfig = { mode: "repair" }): Promise<RecoveryReport> {
    if (this.#closed) throw new PersistenceClosedError("recover");
    validateRecoveryConfig(config);
    this.metrics.increment("recovery_attempts");
    try {
      return await this.#exclusive(async () => {
        const scanBefore = await this.scan({ signal: config.signal });
        const report: RecoveryReport = {
          mode: config.mode,
          scan_before: scanBefore,
          repaired_files: [],
          quarantined_files: [],
          dropped_damaged: 0,
          dropped_by_retention: 0,
          scan_after: scanBefore,
        };
        if (config.mode === "ignore" || scanBefore.anomalies.length === 0) return report;
        await this.repairFiles(report, config);
        report.scan_after = await this.scan({ signal: config.signal });
        if (report.scan_after.anomalies.length > 0) this.metrics.increment("recovery_failures");
        return report;
      });
    } catch (error) {
      this.metrics.increment("recovery_failures");
      throw asStoreError(error, `recover ${this.path}`, config.signal);
    }
  }

  /**
   * Physically removes what retention excludes, and nothing else, copying kept lines byte for
   * byte. Refuses (PersistenceDamagedError, nothing changed) over damage. Runs exclusively,
   * like {@link recover}.
   */
  async compact(options: CompactOptions = {}): Promise<CompactionReport> {
    if (this.#closed) throw new PersistenceClosedError("compact");
    this.metrics.increment("compactions_triggered");
    try {
      return await this.#exclusive(() => this.compactFiles(options));
    } catch (error) {
      this.metrics.increment("compaction_errors");
      throw asStoreError(error, `compact ${this.path}`, options.signal);
    }
  }

  /** Cumulative counters of every process since the last reset, this instance's pending counts included. */
  async readStoredMetrics(): Promise<StoredMetrics> {
    await this.#durable.flush();
    const content = await readMetricsFile(this.sidecars.metrics);
    return { counters: content.counters, since: content.since };
  }

  /** Zeroes the stored counters; this and every running writer count from zero afterwards. */
  async resetStoredMetrics(): Promise<void> {
    await resetMetricsFile(this.sidecars.metrics);
    await this.#durable.flush();
  }

  /** Flushes pending writes and metrics, then releases the writer lock. Idempotent. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      const writing = this.#writing;
      try {
        if (writing) {
          if (writersInProcess.get(this.path) === writing) writersInProcess.delete(this.path);
          await writing.writer.close();
        }
      } finally {
        await this.#durable.close();
        if (writing) await writing.lock.release();
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Where this process's writer of the store (this instance's or another one's) ended its last
   * complete batch in the active file, so a scan stops there instead of reading a torn batch.
   */
  protected inProcessWriterEnd(): number | undefined {
    return this.#inProcessWriter()?.sink.activeSize;
  }

  /** Runs `fn` with this process's writer of the store paused, if there is one; else just runs it. */
  protected withWritesPaused<T>(fn: () => Promise<T>): Promise<T> {
    const writing = this.#inProcessWriter();
    return writing ? writing.writer.runExclusive(fn) : fn();
  }

  #inProcessWriter(): Writing | undefined {
    return this.#writing ?? writersInProcess.get(this.path);
  }

  /**
   * Runs maintenance with the writer paused when this process writes the store (this instance
   * or another one), else under the writer lock. The writer reopens its file afterwards, as a
   * rewrite may have replaced it.
   */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const writing = this.#inProcessWriter();
    if (writing) {
      return writing.writer.runExclusive(async () => {
        try {
          return await fn();
        } finally {
          // If this fails, the writer still reopens by path before its next write (AppendFile's link check).
          await writing.sink.reopen().catch(() => {});
        }
      });
    }
    const run = this.#maintenance
      .catch(() => {})
      .then(async () => {
        const lock = await acquireWriterLock(this.sidecars.lock, { location: this.path });
        try {
          return await fn();
        } finally {
          await lock.release();
        }
      });
    this.#maintenance = run;
    return run;
  }

  async #checkLocation(): Promise<void> {
    const dir = dirname(this.path);
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) {
      throw new PersistenceUnavailableError(
        `Cannot open ${this.label} ${this.path}: directory ${dir} does not exist. Create it first.`,
      );
    }
    const file = await stat(this.path).catch(() => null);
    if (file && !file.isFile()) {
      throw new PersistenceUnavailableError(
        `Cannot open ${this.label} ${this.path}: it is not a regular file.`,
      );
    }
  }
}
