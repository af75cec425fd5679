import {
  type ActorEvent,
  type AuditSnapshot,
  type CompactionReport,
  type CompactOptions,
  type DeadLetter,
  encodeRecord,
  type FollowOptions,
  finishListing,
  type IterateQuery,
  inTimeWindow,
  iterateRecords,
  type ListQuery,
  lineBytes,
  normalizeListQuery,
  nowSeconds,
  type PersistenceBackend,
  PersistenceClosedError,
  PersistenceMetrics,
  parseOrThrow,
  parseRetentionPolicy,
  RECORD_KINDS,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  recoveryConfigSchema,
  type ScanOptions,
  type ScanReport,
  type StoredRecordByKind,
  type StreamedRecord,
  validateCompactOptions,
} from "@papyra/core";
import { KindLog, readEntry, type StoredEntry } from "./kind-log.js";
import { followFeed, RecordFeed } from "./record-feed.js";

/** Options of {@link createMemoryBackend}. */
export interface MemoryBackendOptions {
  /** Retention applied to each kind, on every write and read. */
  retention?: RetentionPolicy;
}

const LOCATION = "memory";

/**
 * A Papyra backend that keeps records in process memory. Retention is enforced on write (so
 * memory stays bounded) and on read (for the age rule). Records are stored in their wire form,
 * so callers mutating objects after writing, or objects they listed, change nothing stored.
 * Data and metrics live only as long as the process; there are no stored metrics.
 */
export class MemoryBackend implements PersistenceBackend {
  /** In-process counters. */
  readonly metrics = new PersistenceMetrics();
  /** The retention policy in force (a validated copy). */
  readonly retention: RetentionPolicy;
  readonly #logs: Record<RecordKind, KindLog> = {
    event: new KindLog(),
    audit: new KindLog(),
    dead_letter: new KindLog(),
  };
  readonly #feed = new RecordFeed();
  #closed = false;
  /** Writes since the last full age sweep. */
  #writesSinceSweep = 0;
  /** Records stored right after the last sweep: the next sweep waits for as many writes. */
  #storedAtSweep = 0;

  constructor(options: MemoryBackendOptions = {}) {
    this.retention = parseRetentionPolicy(options.retention ?? {});
  }

  /** Stores a lifecycle event. */
  recordEvent(event: ActorEvent): Promise<void> {
    return this.#record("event", event);
  }

  /** Stores an audit snapshot. */
  recordAudit(audit: AuditSnapshot): Promise<void> {
    return this.#record("audit", audit);
  }

  /** Stores a dead letter. */
  recordDeadLetter(deadLetter: DeadLetter): Promise<void> {
    return this.#record("dead_letter", deadLetter);
  }

  /** Lists events within retention. */
  listEvents(query?: ListQuery): Promise<ActorEvent[]> {
    return this.#list("event", query);
  }

  /** Lists audit snapshots within retention. */
  listAudits(query?: ListQuery): Promise<AuditSnapshot[]> {
    return this.#list("audit", query);
  }

  /** Lists dead letters within retention. */
  listDeadLetters(query?: ListQuery): Promise<DeadLetter[]> {
    return this.#list("dead_letter", query);
  }

  /** Streams the selected kinds' records, kind by kind, oldest first, within retention. */
  iterate(query: IterateQuery = {}): AsyncGenerator<StreamedRecord> {
    const lister = {
      listEvents: (q: ListQuery) => this.listEvents(q),
      listAudits: (q: ListQuery) => this.listAudits(q),
      listDeadLetters: (q: ListQuery) => this.listDeadLetters(q),
    };
    return iterateRecords(lister, query);
  }

  /** The stored backlog of `kind`, then each record stored, until `options.signal` aborts. */
  follow<K extends RecordKind>(
    kind: K,
    options: FollowOptions<K>,
  ): AsyncGenerator<StoredRecordByKind[K]> {
    const list = (q: ListQuery) => this.#list(kind, q) as Promise<StoredRecordByKind[K][]>;
    return followFeed(this.#feed, kind, options, list);
  }

  /**
   * Checks the in-memory records. They are validated on write, so a scan is always clean; it
   * counts them and their bytes. Never changes anything.
   */
  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    options.signal?.throwIfAborted();
    this.metrics.increment("scan_operations");
    const sampleSize = options.sampleSize;
    let records = 0;
    let bytes = 0;
    for (const kind of RECORD_KINDS) {
      records += this.#logs[kind].count;
      bytes += this.#logs[kind].bytes;
    }
    const sampled = sampleSize !== undefined && sampleSize < records;
    return {
      location: LOCATION,
      anomalies: [],
      records_scanned: sampled ? sampleSize : records,
      bytes_scanned: sampled ? null : bytes,
      incremental: false,
      sampled,
    };
  }

  /**
   * Memory cannot be damaged the way files can: recovery validates its config, scans before
   * and after, and repairs nothing (a dry run says the same). Rejects after close, like every
   * mutating operation.
   */
  async recover(config: RecoveryConfig = { mode: "repair" }): Promise<RecoveryReport> {
    const { mode, dryRun } = parseOrThrow(
      recoveryConfigSchema,
      {
        mode: config.mode,
        quarantineDir: config.quarantineDir,
        force: config.force,
        dryRun: config.dryRun,
      },
      "recovery config",
    );
    if (this.#closed) throw new PersistenceClosedError("recover");
    this.metrics.increment("recovery_attempts");
    try {
      config.signal?.throwIfAborted();
      const scanBefore = await this.scan({ signal: config.signal });
      const scanAfter = await this.scan({ signal: config.signal });
      return {
        mode,
        dry_run: dryRun === true,
        scan_before: scanBefore,
        repaired_files: [],
        quarantined_files: [],
        dropped_damaged: 0,
        dropped_by_retention: 0,
        scan_after: scanAfter,
      };
    } catch (error) {
      this.metrics.increment("recovery_failures");
      throw error;
    }
  }

  /**
   * Removes physically what retention excludes (records aged out since they were written).
   * With `dryRun`, works on a copy: the same figures, nothing removed.
   */
  async compact(options: CompactOptions = {}): Promise<CompactionReport> {
    if (this.#closed) throw new PersistenceClosedError("compact");
    validateCompactOptions(options);
    const dryRun = options.dryRun === true;
    if (!dryRun) this.metrics.increment("compactions_triggered");
    try {
      options.signal?.throwIfAborted();
      let beforeRecords = 0;
      let beforeBytes = 0;
      let afterRecords = 0;
      let afterBytes = 0;
      const now = nowSeconds();
      for (const kind of RECORD_KINDS) {
        const log = dryRun ? this.#logs[kind].copy() : this.#logs[kind];
        beforeRecords += log.count;
        beforeBytes += log.bytes;
        this.#trim(log, now);
        this.#sweepAge(log, now);
        afterRecords += log.count;
        afterBytes += log.bytes;
      }
      if (!dryRun) {
        this.#writesSinceSweep = 0;
        this.#storedAtSweep = afterRecords;
      }
      return {
        dry_run: dryRun,
        before_records: beforeRecords,
        after_records: afterRecords,
        removed_records: beforeRecords - afterRecords,
        before_bytes: beforeBytes,
        after_bytes: afterBytes,
        reclaimed_bytes: beforeBytes - afterBytes,
      };
    } catch (error) {
      if (!dryRun) this.metrics.increment("compaction_errors");
      throw error;
    }
  }

  /** Stops accepting writes. Writes are stored synchronously, so nothing is pending. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #record<K extends RecordKind>(kind: K, record: RecordByKind[K]): Promise<void> {
    // A write after close is a caller's mistake, not a storage failure: no counter moves.
    if (this.#closed) throw new PersistenceClosedError(`record ${kind}`);
    try {
      const line = encodeRecord(kind, record);
      const entry: StoredEntry = { line, bytes: lineBytes(line), timestamp: record.timestamp };
      const now = nowSeconds();
      const log = this.#logs[kind];
      // A record already outside the age window is never returned: keep memory for the others.
      if (!this.#expired(entry, now)) {
        log.push(entry);
        this.#feed.publish(kind, line);
      }
      this.#trim(log, now);
      this.#maybeSweep(now);
      this.metrics.increment("records_written");
      this.metrics.increment("bytes_written", entry.bytes);
    } catch (error) {
      this.metrics.increment("write_errors");
      throw error;
    }
  }

  async #list<K extends RecordKind>(
    kind: K,
    query: ListQuery | undefined,
  ): Promise<RecordByKind[K][]> {
    try {
      const q = normalizeListQuery(query);
      const now = nowSeconds();
      const matches: StoredEntry[] = [];
      if (q.limit !== 0) {
        // Newest first so a limit stops the walk early; count and bytes rules already hold.
        for (const entry of this.#logs[kind].newestFirst()) {
          if (this.#expired(entry, now) || !inTimeWindow(entry.timestamp, q)) continue;
          matches.push(entry);
          if (q.limit !== undefined && matches.length >= q.limit) break;
        }
      }
      matches.reverse();
      const records = finishListing(matches, q).map((entry) => readEntry<K>(entry));
      this.metrics.increment("records_read", records.length);
      return records;
    } catch (error) {
      this.metrics.increment("read_errors");
      throw error;
    }
  }

  #expired(entry: StoredEntry, now: number): boolean {
    const maxAge = this.retention.maxAgeSeconds;
    return maxAge !== undefined && !(entry.timestamp >= now - maxAge);
  }

  /** Drops the oldest records while the count or byte rule is exceeded, or the oldest is too old. */
  #trim(log: KindLog, now: number): void {
    const { maxRecords, maxTotalBytes } = this.retention;
    for (;;) {
      const oldest = log.oldest();
      if (!oldest) return;
      const over =
        (maxRecords !== undefined && log.count > maxRecords) ||
        (maxTotalBytes !== undefined && log.bytes > maxTotalBytes) ||
        this.#expired(oldest, now);
      if (!over) return;
      log.dropOldest();
    }
  }

  /** Removes aged-out records anywhere in a log (timestamps need not be in write order). */
  #sweepAge(log: KindLog, now: number): void {
    if (this.retention.maxAgeSeconds === undefined) return;
    log.retain((entry) => !this.#expired(entry, now));
  }

  /** Sweeps aged-out records now and then, at amortised O(1) per write. */
  #maybeSweep(now: number): void {
    if (this.retention.maxAgeSeconds === undefined) return;
    this.#writesSinceSweep += 1;
    // A sweep costs the stored count, which is at most storedAtSweep + writesSinceSweep.
    if (this.#writesSinceSweep < Math.max(64, this.#storedAtSweep)) return;
    this.#writesSinceSweep = 0;
    this.#storedAtSweep = 0;
    for (const kind of RECORD_KINDS) {
      this.#sweepAge(this.#logs[kind], now);
      this.#storedAtSweep += this.#logs[kind].count;
    }
  }
}

/** Opens an in-memory backend. Throws PersistenceValidationError on a bad retention policy. */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  return new MemoryBackend(options);
}
