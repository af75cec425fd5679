import { stat, unlink } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  type ActorEvent,
  type AuditSnapshot,
  type CompactionReport,
  type CompactOptions,
  type DeadLetter,
  encodeRecord,
  type ListQuery,
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
  type StoredMetrics,
  validateRecoveryConfig,
} from "@papyra/core";
import {
  type AppendFs,
  acquireWriterLock,
  DEFAULT_MAX_LINE_BYTES,
  DurableMetrics,
  GroupCommitWriter,
  listFromTail,
  quarantineCopy,
  readMetricsFile,
  repairFile,
  resetMetricsFile,
  type SidecarPaths,
  sidecarPaths,
  WriterClosedError,
  type WriterLock,
} from "@papyra/ndjson";
import { compactSet } from "./compact-set.js";
import { asStoreError, isMissing } from "./errors.js";
import {
  type ResolvedRotatingOptions,
  type RotatingStoreOptions,
  resolveOptions,
} from "./options.js";
import { RotatingSink } from "./rotating-sink.js";
import { type SetScanContext, scanSet } from "./scan-set.js";
import { isSegmentTempFile, SegmentSet } from "./segments.js";

/** Test hooks: inject the fd-level calls of the append path (fault injection). */
export interface RotatingStoreInternals {
  appendFs?: AppendFs;
}

interface Writing {
  lock: WriterLock;
  sink: RotatingSink;
  writer: GroupCommitWriter;
}

/** Writers open in this process, by path: other instances' maintenance pauses them instead of failing on the lock. */
const writersInProcess = new Map<string, Writing>();

/** A listing is retried when a rotation moved files under it, at most this many times. */
const MAX_LIST_ATTEMPTS = 5;

async function ensureDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) {
    throw new PersistenceUnavailableError(
      `Cannot open rotating store ${path}: directory ${dir} does not exist. Create it first.`,
    );
  }
  const file = await stat(path).catch(() => null);
  if (file && !file.isFile()) {
    throw new PersistenceUnavailableError(
      `Cannot open rotating store ${path}: it is not a regular file.`,
    );
  }
}

/**
 * A Papyra store in size-rotated NDJSON segments: `path` (active), `path.1` (newest rotated) …
 * `path.(maxFiles-1)` (oldest). Open it with {@link openRotatingStore}. A writing instance holds
 * the store's writer lock until `close()`.
 */
export class RotatingFileBackend implements PersistenceBackend {
  /** Absolute path of the active segment. */
  readonly path: string;
  /** Size limit of one segment. */
  readonly maxBytes: number;
  /** Files in the set, the active one included. */
  readonly maxFiles: number;
  /** When a `record*` promise resolves: handed to the OS, or on disk. */
  readonly durability: "os" | "fsync";
  /** True when opened without the writer lock (`record*` reject). */
  readonly readOnly: boolean;
  /** The retention policy applied on reads and by `compact()`. */
  readonly retention: RetentionPolicy;
  /** This process's counters (the store-wide ones: {@link readStoredMetrics}). */
  readonly metrics = new PersistenceMetrics();
  readonly #set: SegmentSet;
  readonly #sidecars: SidecarPaths;
  readonly #durable: DurableMetrics;
  #writing: Writing | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  /** Serialises compaction and recovery of a read-only instance (they take the lock themselves). */
  #maintenance: Promise<unknown> = Promise.resolve();

  private constructor(options: ResolvedRotatingOptions) {
    this.path = options.path;
    this.maxBytes = options.maxBytes;
    this.maxFiles = options.maxFiles;
    this.durability = options.durability;
    this.readOnly = options.readOnly;
    this.retention = options.retention;
    this.#set = new SegmentSet(this.path, this.maxFiles);
    this.#sidecars = sidecarPaths(this.path);
    this.#durable = new DurableMetrics(this.#sidecars.metrics, this.metrics);
  }

  /** Opens a store; see {@link openRotatingStore}. */
  static async open(
    raw: RotatingStoreOptions,
    internals: RotatingStoreInternals = {},
  ): Promise<RotatingFileBackend> {
    const resolved = resolveOptions(raw);
    const store = new RotatingFileBackend({ ...resolved, path: resolve(resolved.path) });
    await ensureDirectory(store.path);
    if (!store.readOnly) {
      const lock = await acquireWriterLock(store.#sidecars.lock, { location: store.path });
      try {
        // We hold the lock: temp files of a rewrite that crashed are garbage.
        await store.#removeSegmentTempFiles();
        const sink = await RotatingSink.open(store.#set, {
          maxBytes: store.maxBytes,
          fs: internals.appendFs,
        });
        const writer = new GroupCommitWriter(sink, {
          durability: store.durability,
          metrics: store.metrics,
        });
        store.#writing = { lock, sink, writer };
        writersInProcess.set(store.path, store.#writing);
      } catch (error) {
        await lock.release();
        throw error instanceof PersistenceUnavailableError
          ? error
          : new PersistenceUnavailableError(
              `Cannot open rotating store ${store.path}: ${(error as Error).message}`,
              { cause: error },
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
        `Cannot record: rotating store ${this.path} was opened read-only. Open it without readOnly to write.`,
      );
    }
    let line: string;
    try {
      line = encodeRecord(kind, record);
      const size = Buffer.byteLength(line, "utf8");
      if (size > DEFAULT_MAX_LINE_BYTES) {
        // Stored, it would read back as CORRUPTED_LINE and repair would drop it.
        throw new PersistenceValidationError(`${kind} record`, [
          {
            path: "",
            message: `the record is ${size} bytes once serialised; the largest a store can read back is ${DEFAULT_MAX_LINE_BYTES} bytes`,
          },
        ]);
      }
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

  /** Segments present now, newest first, and their identities (index, device, inode). */
  async #snapshot(): Promise<{ paths: string[]; identity: string }> {
    const { segments } = await this.#set.listDirectory();
    const newestFirst = segments.reverse();
    const parts = await Promise.all(
      newestFirst.map(async (s) => {
        const st = await stat(s.path).catch(() => null);
        return st ? `${s.index}:${st.dev}:${st.ino}` : `${s.index}:-`;
      }),
    );
    return { paths: newestFirst.map((s) => s.path), identity: parts.join(",") };
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
      const read = async () =>
        listFromTail((await this.#snapshot()).paths, kind, normalized, {
          retention: this.retention,
        });
      let records: RecordByKind[K][] | null = null;
      for (let attempt = 1; attempt <= MAX_LIST_ATTEMPTS && records === null; attempt++) {
        const before = await this.#snapshot();
        const result = await listFromTail(before.paths, kind, normalized, {
          retention: this.retention,
        });
        // A rotation renames segments: a read racing one may see a segment twice or miss one.
        if ((await this.#snapshot()).identity === before.identity) records = result;
      }
      // Still racing rotations: in the writing process, read once with writes paused.
      if (records === null) {
        const writing = this.#inProcessWriter();
        records = writing ? await writing.writer.runExclusive(read) : await read();
      }
      this.metrics.increment("records_read", records.length);
      return records;
    } catch (error) {
      this.metrics.increment("read_errors");
      throw new PersistenceUnavailableError(
        `Cannot read rotating store ${this.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * Checks every segment for damage without changing anything, and the directory for orphaned
   * rotated files (`path.N`, N >= maxFiles) and leftovers in the set's name space (temp files
   * of interrupted rewrites). With `incremental`, each segment is read only from where the last
   * clean scan ended, when it is still the same file with the same bytes before that point.
   */
  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    if (this.#closed) throw new PersistenceClosedError("scan");
    this.metrics.increment("scan_operations");
    let report: ScanReport;
    try {
      report = await scanSet(this.#scanContext(), options);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw asStoreError(error, `scan ${this.path}`, options.signal);
    }
    this.metrics.increment("anomaly_detected", report.anomalies.length);
    return report;
  }

  #scanContext(): SetScanContext {
    return {
      set: this.#set,
      checkpointPath: this.#sidecars.checkpoint,
      activeEnd: () => this.#inProcessWriter()?.sink.activeSize,
    };
  }

  /**
   * Recovers from damage: `ignore` scans only; `repair` rewrites each damaged segment keeping
   * every valid record in order, byte for byte, and deletes temp files of interrupted rewrites
   * (never an orphaned segment or a foreign file); `quarantine` also copies each damaged
   * segment into `quarantineDir` first, and moves orphaned segments and other leftovers there.
   * Runs with the writer paused in the writing process, or under the writer
   * lock otherwise (PersistenceLockedError when a running writer holds it).
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
        const quarantineDir = config.mode === "quarantine" ? config.quarantineDir : undefined;
        const damaged = new Set(
          scanBefore.anomalies
            .filter((a) => a.type !== "ORPHANED_ROTATED_FILE" && a.type !== "UNEXPECTED_FILE")
            .map((a) => a.path),
        );
        for (const { path } of (await this.#set.listDirectory()).segments) {
          if (!damaged.has(path)) continue;
          const result = await repairFile(path, {
            quarantineDir,
            signal: config.signal,
            onProgress: config.onProgress,
          });
          if (result.changed) {
            report.repaired_files.push(path);
          }
          if (result.quarantinedTo) report.quarantined_files.push(result.quarantinedTo);
          report.dropped_damaged += result.droppedDamaged;
        }
        // Files beside the segments: quarantine moves every one aside; repair deletes only
        // temp files of our own interrupted rewrites. An orphaned segment holds valid records
        // (often it means maxFiles is set lower than the store was written with) and any other
        // file may be someone's, so repair never deletes them.
        const stray = scanBefore.anomalies
          .filter((a) => a.type === "ORPHANED_ROTATED_FILE" || a.type === "UNEXPECTED_FILE")
          .map((a) => a.path)
          .filter((path) => quarantineDir !== undefined || isSegmentTempFile(this.#set, path));
        for (const path of stray) {
          try {
            if (quarantineDir !== undefined) {
              report.quarantined_files.push(await quarantineCopy(path, quarantineDir));
            }
            await unlink(path);
            report.repaired_files.push(path);
          } catch (error) {
            if (!isMissing(error)) throw error;
          }
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
   * Physically removes what retention excludes, and nothing else. Retention is planned across
   * the whole set (pass one reads every segment, oldest first); pass two rewrites segment by
   * segment, each atomically, copying kept lines byte for byte, so a crash at any point leaves
   * every segment either old or new. Refuses (PersistenceDamagedError, nothing changed) if a
   * segment is damaged.
   */
  async compact(options: CompactOptions = {}): Promise<CompactionReport> {
    if (this.#closed) throw new PersistenceClosedError("compact");
    this.metrics.increment("compactions_triggered");
    try {
      return await this.#exclusive(() => compactSet(this.#set, this.retention, options));
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

  /** Deletes temp files of interrupted rewrites of any segment. Only under the writer lock. */
  async #removeSegmentTempFiles(): Promise<void> {
    for (const path of (await this.#set.listDirectory()).unexpected) {
      if (isSegmentTempFile(this.#set, path)) await unlink(path).catch(() => {});
    }
  }

  /** The writer of this store in this process: this instance's, or another instance's. */
  #inProcessWriter(): Writing | undefined {
    return this.#writing ?? writersInProcess.get(this.path);
  }

  /**
   * Runs maintenance with the writer paused when this process writes the store (this instance
   * or another one), else under the writer lock.
   */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const writing = this.#inProcessWriter();
    if (writing) {
      return writing.writer.runExclusive(async () => {
        try {
          return await fn();
        } finally {
          // A rewrite may have replaced the active segment. If reopening fails, the writer still
          // reopens by path before its next write (AppendFile's link check).
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
 * Opens a rotating file store. Options are validated (PersistenceConfigurationError naming each
 * bad field). Writers take the store's writer lock (PersistenceLockedError naming the holder
 * when another writer has it) and create the active segment if missing; a missing directory is
 * a PersistenceUnavailableError. With `readOnly`, no lock is taken and `record*` reject.
 */
export function openRotatingStore(options: RotatingStoreOptions): Promise<RotatingFileBackend> {
  return RotatingFileBackend.open(options);
}
