import { stat, unlink } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
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
  PersistenceDamagedError,
  PersistenceMetrics,
  PersistenceUnavailableError,
  PersistenceValidationError,
  type Progress,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  RetentionPlanner,
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
  isTempFileOf,
  listFromTail,
  quarantineCopy,
  readMetricsFile,
  repairFile,
  resetMetricsFile,
  rewriteKeeping,
  type SidecarPaths,
  scanFile,
  scanFileTail,
  sidecarPaths,
  TEMP_MARKER,
  WriterClosedError,
  type WriterLock,
} from "@papyra/ndjson";
import {
  type ResolvedRotatingOptions,
  type RotatingStoreOptions,
  resolveOptions,
} from "./options.js";
import { RotatingSink } from "./rotating-sink.js";
import { type DirectoryListing, type SegmentFile, SegmentSet } from "./segments.js";
import { type CleanSegment, SetCheckpoint, writeSetCheckpoint } from "./set-checkpoint.js";

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

/** A scan report lists at most this many line anomalies (a scan never holds more). */
const MAX_REPORTED_ANOMALIES = 10_000;

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

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}

/** Reports progress over several files as one run. */
function progressAcross(
  total: number,
  onProgress: ((p: Progress) => void) | undefined,
  phase: Progress["phase"],
) {
  let before = 0;
  return {
    forFile(): ((p: Progress) => void) | undefined {
      if (!onProgress) return undefined;
      const base = before;
      return (p) => onProgress({ phase, done: base + p.done, total, unit: "bytes" });
    },
    fileDone(bytes: number): void {
      before += bytes;
    },
  };
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
    const listing = await this.#set.listDirectory();
    if (options.sampleSize !== undefined) return this.#sampleScan(listing, options);
    const checkpoint = options.incremental
      ? await SetCheckpoint.read(this.#sidecars.checkpoint)
      : null;
    const anomalies: Anomaly[] = [];
    const clean: CleanSegment[] = [];
    let lineAnomalies = 0;
    let records = 0;
    let bytes = 0;
    let incremental = false;
    const sizes = await Promise.all(listing.segments.map((s) => stat(s.path).catch(() => null)));
    const progress = progressAcross(
      sizes.reduce((sum, st) => sum + (st?.size ?? 0), 0),
      options.onProgress,
      "scan",
    );
    for (const [i, segment] of listing.segments.entries()) {
      const st = sizes[i];
      if (!st) continue; // moved by a rotation since the listing
      const resume = checkpoint ? await checkpoint.resumeFor(segment.path, st.dev, st.ino) : null;
      if (resume) incremental = true;
      // The writer knows where its last complete batch ends; bytes past it are in flight.
      const endOffset = segment.index === 0 ? this.#inProcessWriter()?.sink.activeSize : undefined;
      let result: Awaited<ReturnType<typeof scanFile>>;
      try {
        result = await scanFile(segment.path, {
          startOffset: resume?.offset,
          startLine: resume?.nextLine,
          endOffset,
          // Keep the report's memory bounded over many damaged segments (all are counted).
          maxAnomalies: Math.max(0, MAX_REPORTED_ANOMALIES - anomalies.length),
          signal: options.signal,
          onProgress: progress.forFile(),
        });
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      progress.fileDone(st.size);
      anomalies.push(...result.anomalies);
      lineAnomalies += result.anomalyCount;
      records += (resume?.records ?? 0) + result.records;
      bytes += result.bytesScanned;
      clean.push({
        path: segment.path,
        endOffset: result.endOffset,
        nextLine: result.nextLine,
        records: (resume?.records ?? 0) + result.records,
      });
    }
    anomalies.push(...this.#fileAnomalies(listing));
    if (lineAnomalies === 0) await writeSetCheckpoint(this.#sidecars.checkpoint, clean);
    return {
      location: this.path,
      anomalies,
      records_scanned: records,
      bytes_scanned: bytes,
      incremental,
      sampled: false,
    };
  }

  /** ORPHANED_ROTATED_FILE and UNEXPECTED_FILE anomalies of a directory listing. */
  #fileAnomalies(listing: DirectoryListing): Anomaly[] {
    const anomalies: Anomaly[] = [];
    for (const orphan of listing.orphans) {
      anomalies.push({
        type: "ORPHANED_ROTATED_FILE",
        path: orphan.path,
        detail: `rotated segment ${orphan.index} is beyond maxFiles (${this.maxFiles}), so reads ignore it. If the store was written with a larger maxFiles, open it with maxFiles ${orphan.index + 1} or more; otherwise recover in quarantine mode to move it aside (repair keeps it)`,
      });
    }
    for (const path of listing.unexpected) {
      anomalies.push({
        type: "UNEXPECTED_FILE",
        path,
        detail: this.#isSegmentTempFile(path)
          ? "temp file left by an interrupted compaction or recovery; repair deletes it"
          : "file in the store's name space (PATH.*) that is not a segment or sidecar; quarantine moves it aside, repair leaves it",
      });
    }
    return anomalies;
  }

  /** A quick look: the newest `sampleSize` lines, read backwards across the newest segments. */
  async #sampleScan(listing: DirectoryListing, options: ScanOptions): Promise<ScanReport> {
    const report: ScanReport = {
      location: this.path,
      anomalies: [],
      records_scanned: 0,
      bytes_scanned: 0,
      incremental: false,
      sampled: true,
    };
    let remaining = Math.max(0, Math.floor(options.sampleSize ?? 0));
    const newestFirst: Anomaly[][] = [];
    for (const segment of [...listing.segments].reverse()) {
      if (remaining <= 0) break;
      const endOffset = segment.index === 0 ? this.#inProcessWriter()?.sink.activeSize : undefined;
      let result: Awaited<ReturnType<typeof scanFileTail>>;
      try {
        result = await scanFileTail(segment.path, remaining, { endOffset, signal: options.signal });
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      newestFirst.push(result.anomalies);
      report.records_scanned += result.records;
      report.bytes_scanned = (report.bytes_scanned ?? 0) + result.bytesScanned;
      // Blank lines are not counted by either figure, so a sample may reach a little further.
      remaining -= result.records + result.anomalyCount;
    }
    // Oldest first, like a full scan, then the directory's anomalies.
    report.anomalies = [...newestFirst.reverse().flat(), ...this.#fileAnomalies(listing)];
    return report;
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
          .filter((path) => quarantineDir !== undefined || this.#isSegmentTempFile(path));
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
      return await this.#exclusive(() => this.#compact(options));
    } catch (error) {
      this.metrics.increment("compaction_errors");
      throw asStoreError(error, `compact ${this.path}`, options.signal);
    }
  }

  async #compact(options: CompactOptions): Promise<CompactionReport> {
    const segments: (SegmentFile & { size: number })[] = [];
    for (const segment of (await this.#set.listDirectory()).segments) {
      const st = await stat(segment.path).catch(() => null);
      if (st) segments.push({ ...segment, size: st.size });
    }
    const beforeBytes = segments.reduce((sum, s) => sum + s.size, 0);
    const planner = new RetentionPlanner(this.retention);
    let beforeRecords = 0;
    let damage = 0;
    for (const segment of segments) {
      const scan = await scanFile(segment.path, {
        signal: options.signal,
        onRecord: (info) => planner.observe(info),
      });
      beforeRecords += scan.records;
      damage += scan.anomalyCount;
    }
    if (damage > 0) throw new PersistenceDamagedError(this.path, damage);
    const report: CompactionReport = {
      before_records: beforeRecords,
      after_records: beforeRecords,
      removed_records: 0,
      before_bytes: beforeBytes,
      after_bytes: beforeBytes,
      reclaimed_bytes: 0,
    };
    if (!hasRetentionRules(this.retention)) return report;
    const progress = progressAcross(beforeBytes, options.onProgress, "compact");
    let afterBytes = 0;
    for (const segment of segments) {
      const result = await rewriteKeeping(segment.path, {
        keep: (info) => planner.keep(info),
        signal: options.signal,
        onProgress: progress.forFile(),
      });
      progress.fileDone(segment.size);
      report.removed_records += result.droppedByRetention;
      afterBytes += result.bytesAfter;
    }
    report.after_records = beforeRecords - report.removed_records;
    report.after_bytes = afterBytes;
    report.reclaimed_bytes = beforeBytes - afterBytes;
    return report;
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
      if (this.#isSegmentTempFile(path)) await unlink(path).catch(() => {});
    }
  }

  /** True for a temp file of an atomic rewrite of one of the set's segments (or orphans). */
  #isSegmentTempFile(path: string): boolean {
    const marker = path.lastIndexOf(TEMP_MARKER);
    if (marker === -1) return false;
    const of = path.slice(0, marker);
    const type = this.#set.classify(basename(of)).type;
    return (type === "segment" || type === "orphan") && isTempFileOf(of, path);
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
