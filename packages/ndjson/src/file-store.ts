import { stat } from "node:fs/promises";
import {
  type CompactionReport,
  type CompactOptions,
  encodeRecord,
  MaintainableBackendBase,
  PersistenceClosedError,
  PersistenceUnavailableError,
  PersistenceValidationError,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  type ScanOptions,
  type ScanReport,
  type StoredMetrics,
  type StoreFailure,
} from "@papyra/core";
import { DEFAULT_MAX_LINE_BYTES } from "./decode.js";
import { DurableMetrics } from "./durable-metrics.js";
import {
  checkStoreLocation,
  type FileStoreSettings,
  holdingMetrics,
  MaintenanceGate,
  openWriting,
  type ScanEffects,
  type StoreSink,
  storeNotFound,
  type Writing,
  writersInProcess,
} from "./file-store-parts.js";
import { type Durability, WriterClosedError } from "./group-commit.js";
import { runRecovery } from "./recovery-flow.js";
import { legacySidecarPaths, type SidecarPaths, sidecarPaths } from "./sidecars.js";
import { asStoreError } from "./store-errors.js";

export type { FileStoreSettings, ScanEffects, StoreSink } from "./file-store-parts.js";

/**
 * What every NDJSON file store does the same way: the writer lock, the group-commit writer,
 * `record*` and `list*`, the closed state, durable metrics, and running scan / recover /
 * compact with the right counters, error mapping and exclusivity (the writer paused when this
 * process writes the store, else the writer lock). A backend extends it and supplies what
 * differs: its sink ({@link start}), how a listing reads ({@link readRecords}), and scan,
 * repair and compaction over its files.
 */
export abstract class FileStore extends MaintainableBackendBase {
  /** Absolute path of the store's (active) NDJSON file. */
  readonly path: string;
  /** When a `record*` promise resolves: handed to the OS, or on disk. */
  readonly durability: Durability;
  /** True when opened without the writer lock (`record*` reject). */
  readonly readOnly: boolean;
  /** The retention policy applied on reads and by `compact()`. */
  readonly retention: RetentionPolicy;
  /** Largest line (without its newline) reads accept; `record*` refuse anything longer. */
  protected readonly maxLineBytes: number;
  /** The lock, metrics and checkpoint files beside the store. */
  protected readonly sidecars: SidecarPaths;
  /** The first release's names of the sidecars, read when the current ones are missing. */
  protected readonly legacySidecars: SidecarPaths;
  /** Names the store in messages, e.g. `"JSON store"`. */
  protected readonly label: string;
  readonly #settings: FileStoreSettings;
  readonly #durable: DurableMetrics;
  #writing: Writing | null = null;
  /** Whether a scan found a record: a read-only instance's counters may then create a sidecar. */
  #foundRecords = false;
  /** Runs scan-then-rewrite maintenance exclusively. */
  readonly #gate: MaintenanceGate;

  protected constructor(settings: FileStoreSettings) {
    super({ writerCounts: true });
    this.#settings = settings;
    this.path = settings.path;
    this.label = settings.label;
    this.durability = settings.durability;
    this.readOnly = settings.readOnly;
    this.retention = settings.retention;
    this.maxLineBytes = settings.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.sidecars = sidecarPaths(this.path);
    this.legacySidecars = legacySidecarPaths(this.path);
    this.#durable = new DurableMetrics(this.sidecars.metrics, this.metrics, {
      readOnly: settings.readOnly,
      foundRecords: () => this.#foundRecords,
    });
    this.#gate = new MaintenanceGate(this.path);
  }

  /**
   * Finishes opening (call once, from the backend's `open`): checks the location (a read-only
   * open without a store there rejects with PersistenceNotFoundError, creating nothing); a
   * writer then opens as `openWriting` says; durable metrics start last.
   */
  protected async start(openSink: () => Promise<StoreSink>): Promise<void> {
    await checkStoreLocation(this.#settings, () => this.storeExists());
    if (!this.readOnly) {
      this.#writing = await openWriting(this.#settings, this.metrics, openSink);
      writersInProcess.set(this.path, this.#writing);
    }
    await this.#durable.start();
  }

  /**
   * Scans the store's files (counters and error mapping are handled). Writes the checkpoint
   * after a clean full scan only when `effects.writeCheckpoint`.
   */
  protected abstract scanFiles(options: ScanOptions, effects: ScanEffects): Promise<ScanReport>;

  /**
   * Repairs what `report.scan_before` found, filling the report; runs exclusively, only over
   * damage. Honours `config.force` (else data that is not a store is refused before any change:
   * PersistenceNotAStoreError) and `config.dryRun` (fill the report, change nothing).
   */
  protected abstract repairFiles(report: RecoveryReport, config: RecoveryConfig): Promise<void>;

  /** Compacts the store's files; runs exclusively; honours `force` and `dryRun` like {@link repairFiles}. */
  protected abstract compactFiles(options: CompactOptions): Promise<CompactionReport>;

  /**
   * Whether a store exists at {@link path} (default: the file does). A read-only open, scan,
   * recovery or compaction of a location without one rejects with PersistenceNotFoundError.
   */
  protected async storeExists(): Promise<boolean> {
    const st = await stat(this.path).catch(() => null);
    return st?.isFile() === true;
  }

  /** The read-only refusal: opened without the writer lock, this instance cannot write. */
  protected override writeRefusal(): Error | undefined {
    if (this.#writing) return undefined;
    return new PersistenceUnavailableError(
      `Cannot record: ${this.label} ${this.path} was opened read-only. Open it without readOnly to write.`,
    );
  }

  /**
   * Appends a line another store holds, byte for byte, through the same group-commit writer
   * as `record*`, when it decodes as a record (the `StoredLineAppending` capability of core).
   */
  appendStoredLine(line: string): Promise<void> {
    return this.writeStoredLine(line);
  }

  /** Encodes a record, refusing one longer than reads accept. */
  protected override encodeLine<K extends RecordKind>(kind: K, record: RecordByKind[K]): string {
    const line = encodeRecord(kind, record);
    this.checkStoredLine(kind, line);
    return line;
  }

  /** Refuses a line longer than reads accept. */
  protected override checkStoredLine(kind: RecordKind, line: string): void {
    const size = Buffer.byteLength(line, "utf8");
    if (size > this.maxLineBytes) {
      // Stored, it would read back as CORRUPTED_LINE and repair would drop it.
      throw new PersistenceValidationError(`${kind} record`, [
        {
          path: "",
          message: `the record is ${size} bytes once serialised; the largest this store can read back is ${this.maxLineBytes} bytes`,
        },
      ]);
    }
  }

  /** Hands the line to the group-commit writer (which counts what it commits). */
  protected override writeLine(_kind: RecordKind, line: string): Promise<void> {
    const writing = this.#writing as Writing;
    return writing.writer.append(line, Buffer.byteLength(line, "utf8"));
  }

  /** File errors name the store; a write the closing writer refused is a closed-store error. */
  protected override storeError(error: unknown, failure: StoreFailure): unknown {
    switch (failure.operation) {
      case "record":
        return error instanceof WriterClosedError
          ? new PersistenceClosedError(`record ${failure.kind}`)
          : error;
      case "list":
        return new PersistenceUnavailableError(
          `Cannot read ${this.label} ${this.path}: ${(error as Error).message}`,
          { cause: error },
        );
      default:
        return asStoreError(error, `${failure.operation} ${this.path}`, failure.signal);
    }
  }

  /** A read-only instance whose store is gone answers PersistenceNotFoundError. */
  protected override beforeMaintenance(): Promise<void> {
    return this.#assertPresent();
  }

  /** Holds the durable metrics for the operation (see `holdingMetrics`). */
  protected override runMaintenance<T>(_dryRun: boolean, run: () => Promise<T>): Promise<T> {
    return holdingMetrics(this.#durable, this.readOnly, run);
  }

  /** Scans the store's files, writing the checkpoint after a clean full scan. */
  protected override async scanStore(options: ScanOptions): Promise<ScanReport> {
    const report = await this.scanFiles(options, { writeCheckpoint: true });
    if (report.records_scanned > 0) this.#foundRecords = true;
    return report;
  }

  /**
   * Recovers from damage: `ignore` scans only; `repair` and `quarantine` repair what the scan
   * found, then scan again. Runs with the writer paused in the writing process, or under the
   * writer lock otherwise (PersistenceLockedError when a running writer holds it). A file that
   * does not look like a store is refused unless `force`; `dryRun` reports and changes nothing
   * (no lock taken, no counter moved, no checkpoint written).
   */
  protected override recoverStore(config: RecoveryConfig): Promise<RecoveryReport> {
    return this.#exclusive(config.dryRun === true, () =>
      runRecovery(config, {
        // A dry run's scan moves no counter and writes no checkpoint.
        scan: (counted) =>
          counted
            ? this.scan({ signal: config.signal })
            : this.scanFiles({ signal: config.signal }, { writeCheckpoint: false }),
        repair: (report) => this.repairFiles(report, config),
        onStillDamaged: () => this.metrics.increment("recovery_failures"),
      }),
    );
  }

  /**
   * Physically removes what retention excludes, and nothing else, copying kept lines byte for
   * byte. Refuses (nothing changed) data that does not look like a store unless `force`
   * (PersistenceNotAStoreError), then any damage (PersistenceDamagedError). Runs exclusively,
   * like recovery; `dryRun` reports the same figures and changes nothing.
   */
  protected override compactStore(options: CompactOptions): Promise<CompactionReport> {
    return this.#exclusive(options.dryRun === true, () => this.compactFiles(options));
  }

  /**
   * Cumulative counters of every process since the last reset, this instance's pending counts
   * included. A first-release sidecar not migrated yet is read too (nothing is written).
   */
  async readStoredMetrics(): Promise<StoredMetrics> {
    await this.#assertPresent();
    return this.#durable.readStored(this.legacySidecars.metrics);
  }

  /** Zeroes the stored counters; this and every running writer count from zero afterwards. */
  async resetStoredMetrics(): Promise<void> {
    await this.#assertPresent();
    await this.#durable.resetStored(this.legacySidecars.metrics);
  }

  /** A read-only instance whose store is gone answers PersistenceNotFoundError (a writer created its store). */
  async #assertPresent(): Promise<void> {
    if (this.readOnly && !(await this.storeExists())) {
      throw storeNotFound(this.label, this.path, "it does not exist");
    }
  }

  /** Flushes pending writes and metrics, then releases the writer lock. */
  protected override async closeStore(): Promise<void> {
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

  #exclusive<T>(dryRun: boolean, fn: () => Promise<T>): Promise<T> {
    return this.#gate.run(this.#inProcessWriter(), dryRun, fn);
  }
}
