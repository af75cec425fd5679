import { stat, unlink } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  type ActorEvent,
  type Anomaly,
  type AuditSnapshot,
  type CompactionReport,
  type CompactOptions,
  type DeadLetter,
  encodeRecord,
  hasRetentionRules,
  type ListQuery,
  normalizeListQuery,
  PapyraError,
  type PersistenceBackend,
  PersistenceClosedError,
  PersistenceConfigurationError,
  PersistenceDamagedError,
  PersistenceMetrics,
  PersistenceUnavailableError,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  RetentionPlanner,
  type RetentionPolicy,
  type ScanOptions,
  type ScanReport,
  type StoredMetrics,
  toValidationIssues,
  validateRecoveryConfig,
} from "@papyra/core";
import {
  type AppendFs,
  acquireWriterLock,
  checkpointMatches,
  DurableMetrics,
  FileSink,
  findTempFiles,
  fsyncDirectory,
  GroupCommitWriter,
  listFromTail,
  makeCheckpoint,
  readCheckpoint,
  readMetricsFile,
  repairFile,
  resetMetricsFile,
  rewriteKeeping,
  type SidecarPaths,
  scanFile,
  scanFileTail,
  sealTornTail,
  sidecarPaths,
  WriterClosedError,
  type WriterLock,
  writeCheckpoint,
} from "@papyra/ndjson";
import { type JsonStoreOptions, jsonStoreOptionsSchema } from "./options.js";

/** Test hooks: inject fs calls of the append path (fault injection, syscall counting). */
export interface JsonStoreInternals {
  appendFs?: AppendFs;
}

interface Writing {
  lock: WriterLock;
  sink: FileSink;
  writer: GroupCommitWriter;
}

/** Writers open in this process, by path: other instances' maintenance pauses them instead of failing on the lock. */
const writersInProcess = new Map<string, Writing>();

async function ensureDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) {
    throw new PersistenceUnavailableError(
      `Cannot open JSON store ${path}: directory ${dir} does not exist. Create it first.`,
    );
  }
  const file = await stat(path).catch(() => null);
  if (file && !file.isFile()) {
    throw new PersistenceUnavailableError(
      `Cannot open JSON store ${path}: it is not a regular file.`,
    );
  }
}

/**
 * Papyra errors and abort reasons pass through; anything else (an fs error such as EACCES or
 * EIO) becomes a PersistenceUnavailableError naming the operation, with the cause kept.
 */
function asStoreError(error: unknown, operation: string, signal: AbortSignal | undefined): unknown {
  if (error instanceof PapyraError) return error;
  if (signal?.aborted && error === signal.reason) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return new PersistenceUnavailableError(
    `Cannot ${operation}: ${(error as Error)?.message ?? String(error)}${code ? ` (${code})` : ""}`,
    { cause: error },
  );
}

function emptyScan(location: string, incremental = false): ScanReport {
  return {
    location,
    anomalies: [],
    records_scanned: 0,
    bytes_scanned: 0,
    incremental,
    sampled: false,
  };
}

/**
 * A Papyra store in one NDJSON file. Open it with {@link openJsonStore}. A writing instance
 * holds the store's writer lock until `close()`.
 */
export class JsonFileBackend implements PersistenceBackend {
  /** Absolute path of the NDJSON file. */
  readonly path: string;
  readonly retention: RetentionPolicy;
  readonly metrics = new PersistenceMetrics();
  readonly durability: "os" | "fsync";
  readonly readOnly: boolean;
  readonly #sidecars: SidecarPaths;
  readonly #maxLineBytes: number | undefined;
  readonly #durable: DurableMetrics;
  #writing: Writing | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  /** Serialises scan/recover/compact of a read-only instance (they take the lock themselves). */
  #maintenance: Promise<unknown> = Promise.resolve();

  private constructor(
    options: Required<Pick<JsonStoreOptions, "path" | "durability">> & JsonStoreOptions,
  ) {
    this.path = options.path;
    this.durability = options.durability;
    this.retention = options.retention ?? {};
    this.readOnly = options.readOnly ?? false;
    this.#maxLineBytes = options.maxLineBytes;
    this.#sidecars = sidecarPaths(this.path);
    this.#durable = new DurableMetrics(this.#sidecars.metrics, this.metrics);
  }

  /** Opens a store; see {@link openJsonStore}. */
  static async open(
    raw: JsonStoreOptions,
    internals: JsonStoreInternals = {},
  ): Promise<JsonFileBackend> {
    const parsed = jsonStoreOptionsSchema.safeParse(raw);
    if (!parsed.success) {
      throw new PersistenceConfigurationError(
        "Invalid JSON store options:",
        toValidationIssues(parsed.error),
      );
    }
    const options = parsed.data;
    const path = resolve(options.path);
    await ensureDirectory(path);
    const store = new JsonFileBackend({ ...options, path, durability: options.durability ?? "os" });
    if (!store.readOnly) {
      const lock = await acquireWriterLock(store.#sidecars.lock, { location: path });
      try {
        const existed = (await stat(path).catch(() => null)) !== null;
        const sink = await FileSink.open(path, { fs: internals.appendFs });
        // A new file's directory entry must reach the disk too, or an fsynced record could
        // vanish with its file after a power loss.
        if (!existed) await fsyncDirectory(dirname(path));
        await sealTornTail(sink.file);
        // We hold the lock: temp files left by a rewrite that crashed are garbage.
        for (const temp of await findTempFiles(path)) await unlink(temp).catch(() => {});
        const writer = new GroupCommitWriter(sink, {
          durability: store.durability,
          metrics: store.metrics,
        });
        store.#writing = { lock, sink, writer };
        writersInProcess.set(path, store.#writing);
      } catch (error) {
        await lock.release();
        throw error instanceof PersistenceUnavailableError
          ? error
          : new PersistenceUnavailableError(
              `Cannot open JSON store ${path}: ${(error as Error).message}`,
              {
                cause: error,
              },
            );
      }
    }
    await store.#durable.start();
    return store;
  }

  recordEvent(event: ActorEvent): Promise<void> {
    return this.#record("event", event);
  }

  recordAudit(audit: AuditSnapshot): Promise<void> {
    return this.#record("audit", audit);
  }

  recordDeadLetter(deadLetter: DeadLetter): Promise<void> {
    return this.#record("dead_letter", deadLetter);
  }

  listEvents(query?: ListQuery): Promise<ActorEvent[]> {
    return this.#list("event", query);
  }

  listAudits(query?: ListQuery): Promise<AuditSnapshot[]> {
    return this.#list("audit", query);
  }

  listDeadLetters(query?: ListQuery): Promise<DeadLetter[]> {
    return this.#list("dead_letter", query);
  }

  async #record<K extends RecordKind>(kind: K, record: RecordByKind[K]): Promise<void> {
    if (this.#closed) throw new PersistenceClosedError(`record ${kind}`);
    if (!this.#writing) {
      throw new PersistenceUnavailableError(
        `Cannot record: JSON store ${this.path} was opened read-only. Open it without readOnly to write.`,
      );
    }
    let line: string;
    try {
      line = encodeRecord(kind, record);
    } catch (error) {
      this.metrics.increment("write_errors");
      throw error;
    }
    try {
      await this.#writing.writer.append(line);
    } catch (error) {
      if (error instanceof WriterClosedError) throw new PersistenceClosedError(`record ${kind}`);
      throw error;
    }
  }

  async #list<K extends RecordKind>(
    kind: K,
    query: ListQuery | undefined,
  ): Promise<RecordByKind[K][]> {
    if (this.#closed) throw new PersistenceClosedError("list");
    let normalized: ReturnType<typeof normalizeListQuery>;
    try {
      normalized = normalizeListQuery(query);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw error;
    }
    try {
      const records = await listFromTail([this.path], kind, normalized, {
        retention: this.retention,
        maxLineBytes: this.#maxLineBytes,
      });
      this.metrics.increment("records_read", records.length);
      return records;
    } catch (error) {
      this.metrics.increment("read_errors");
      throw new PersistenceUnavailableError(
        `Cannot read JSON store ${this.path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Checks the file for damage without changing it. With `incremental`, only what follows the
   * last clean full scan is read, when the file is still the same one (identity and a hash of
   * the bytes before that point); otherwise everything is.
   */
  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    if (this.#closed) throw new PersistenceClosedError("scan");
    this.metrics.increment("scan_operations");
    let report: ScanReport;
    try {
      report = await this.#scan(options);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw asStoreError(error, `scan ${this.path}`, options.signal);
    }
    this.metrics.increment("anomaly_detected", report.anomalies.length);
    return report;
  }

  async #scan(options: ScanOptions): Promise<ScanReport> {
    options.signal?.throwIfAborted();
    // In the writing process, stop where the writer's last complete batch ends (no torn read).
    const endOffset = (this.#writing ?? writersInProcess.get(this.path))?.sink.file.size;
    const leftovers: Anomaly[] = (await findTempFiles(this.path)).map((temp) => ({
      type: "UNEXPECTED_FILE",
      path: temp,
      detail: "temp file left by an interrupted compaction or recovery; recovery removes it",
    }));
    const exists = await stat(this.path).catch(() => null);
    if (!exists) return { ...emptyScan(this.path), anomalies: leftovers };
    if (options.sampleSize !== undefined) {
      const sample = await scanFileTail(this.path, Math.max(0, Math.floor(options.sampleSize)), {
        endOffset,
        maxLineBytes: this.#maxLineBytes,
        signal: options.signal,
      });
      return {
        location: this.path,
        anomalies: [...sample.anomalies, ...leftovers],
        records_scanned: sample.records,
        bytes_scanned: sample.bytesScanned,
        incremental: false,
        sampled: true,
      };
    }
    let start = { offset: 0, line: 1, records: 0 };
    let incremental = false;
    if (options.incremental) {
      const checkpoint = await readCheckpoint(this.#sidecars.checkpoint);
      if (checkpoint && (await checkpointMatches(this.path, checkpoint))) {
        start = {
          offset: checkpoint.offset,
          line: checkpoint.nextLine,
          records: checkpoint.records,
        };
        incremental = true;
      }
    }
    const result = await scanFile(this.path, {
      startOffset: start.offset,
      startLine: start.line,
      endOffset,
      maxLineBytes: this.#maxLineBytes,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const anomalies = [...result.anomalies, ...leftovers];
    if (result.anomalyCount === 0) {
      // Remember where this clean scan ended, so the next startup check can start there.
      const checkpoint = await makeCheckpoint(
        this.path,
        result.endOffset,
        result.nextLine,
        start.records + result.records,
      ).catch(() => null);
      if (checkpoint) await writeCheckpoint(this.#sidecars.checkpoint, checkpoint).catch(() => {});
    }
    return {
      location: this.path,
      anomalies,
      records_scanned: start.records + result.records,
      bytes_scanned: result.bytesScanned,
      incremental,
      sampled: false,
    };
  }

  /**
   * Recovers from damage: `ignore` scans only; `repair` rewrites the file keeping every valid
   * record (in order, byte for byte) that retention keeps; `quarantine` first copies the damaged
   * original into `quarantineDir`. Runs with the writer paused in the writing process, or under
   * the writer lock otherwise (PersistenceLockedError when a running writer holds it).
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
        for (const temp of await findTempFiles(this.path)) await unlink(temp).catch(() => {});
        const exists = await stat(this.path).catch(() => null);
        if (exists) {
          const planner = await this.#plan(config.signal);
          const result = await repairFile(this.path, {
            keep: planner ? (info) => planner.keep(info) : undefined,
            quarantineDir: config.mode === "quarantine" ? config.quarantineDir : undefined,
            maxLineBytes: this.#maxLineBytes,
            signal: config.signal,
            onProgress: config.onProgress,
          });
          if (result.changed) report.repaired_files.push(this.path);
          if (result.quarantinedTo) report.quarantined_files.push(result.quarantinedTo);
          report.dropped_damaged = result.droppedDamaged;
          report.dropped_by_retention = result.droppedByRetention;
        }
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
   * byte. Refuses (PersistenceDamagedError, nothing changed) if the file is damaged.
   */
  async compact(options: CompactOptions = {}): Promise<CompactionReport> {
    if (this.#closed) throw new PersistenceClosedError("compact");
    this.metrics.increment("compactions_triggered");
    try {
      return await this.#exclusive(async () => {
        const size = (await stat(this.path).catch(() => null))?.size ?? null;
        if (size === null) {
          return {
            before_records: 0,
            after_records: 0,
            removed_records: 0,
            before_bytes: 0,
            after_bytes: 0,
            reclaimed_bytes: 0,
          };
        }
        const planner = new RetentionPlanner(this.retention);
        const scan = await scanFile(this.path, {
          maxLineBytes: this.#maxLineBytes,
          signal: options.signal,
          onRecord: (info) => planner.observe(info),
        });
        if (scan.anomalyCount > 0) throw new PersistenceDamagedError(this.path, scan.anomalyCount);
        if (!hasRetentionRules(this.retention)) {
          return {
            before_records: scan.records,
            after_records: scan.records,
            removed_records: 0,
            before_bytes: size,
            after_bytes: size,
            reclaimed_bytes: 0,
          };
        }
        const result = await rewriteKeeping(this.path, {
          keep: (info) => planner.keep(info),
          maxLineBytes: this.#maxLineBytes,
          signal: options.signal,
          onProgress: options.onProgress,
        });
        return {
          before_records: result.recordsBefore,
          after_records: result.recordsAfter,
          removed_records: result.droppedByRetention,
          before_bytes: result.bytesBefore,
          after_bytes: result.bytesAfter,
          reclaimed_bytes: result.bytesBefore - result.bytesAfter,
        };
      });
    } catch (error) {
      this.metrics.increment("compaction_errors");
      throw asStoreError(error, `compact ${this.path}`, options.signal);
    }
  }

  /** Cumulative counters of every process since the last reset, this instance's pending counts included. */
  async readStoredMetrics(): Promise<StoredMetrics> {
    await this.#durable.flush();
    const content = await readMetricsFile(this.#sidecars.metrics);
    return { counters: content.counters, since: content.since };
  }

  /** Zeroes the stored counters; this and every running writer count from zero afterwards. */
  async resetStoredMetrics(): Promise<void> {
    await resetMetricsFile(this.#sidecars.metrics);
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

  /** Retention pass one for recovery; null when there is no policy. Damaged lines are skipped. */
  async #plan(signal: AbortSignal | undefined): Promise<RetentionPlanner | null> {
    if (!hasRetentionRules(this.retention)) return null;
    const planner = new RetentionPlanner(this.retention);
    await scanFile(this.path, {
      maxLineBytes: this.#maxLineBytes,
      signal,
      onRecord: (info) => planner.observe(info),
    });
    return planner;
  }

  /**
   * Runs maintenance with the writer paused when this process writes the store (this instance
   * or another one), else under the writer lock. The writer reopens the file afterwards, as a
   * rewrite may have replaced it.
   */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const writing = this.#writing ?? writersInProcess.get(this.path);
    if (writing) {
      return writing.writer.runExclusive(async () => {
        try {
          return await fn();
        } finally {
          // If this fails, the writer still reopens by path before its next write (nlink check).
          await writing.sink.reopen().catch(() => {});
        }
      });
    }
    const run = this.#maintenance
      .catch(() => {})
      .then(async () => {
        const lock = await acquireWriterLock(this.#sidecars.lock, { location: this.path });
        try {
          return await fn();
        } finally {
          await lock.release();
        }
      });
    this.#maintenance = run;
    return run;
  }
}

/**
 * Opens a JSON file store. Writers take the store's writer lock (PersistenceLockedError naming
 * the holder when another writer has it) and create the file if missing; a missing directory
 * is a PersistenceUnavailableError. With `readOnly`, no lock is taken and `record*` reject.
 */
export function openJsonStore(options: JsonStoreOptions): Promise<JsonFileBackend> {
  return JsonFileBackend.open(options);
}
