import {
  type CompactionFigures,
  type CompactOptions,
  type FollowOptions,
  finishListing,
  type IterateQuery,
  inTimeWindow,
  type ListQuery,
  lineBytes,
  MaintainableBackendBase,
  type NormalizedListQuery,
  normalizeIterateQuery,
  nowSeconds,
  parseOptions,
  RECORD_KINDS,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  recoveryReportOf,
  type ScanOptions,
  type ScanReport,
  type StoredRecordByKind,
  type StreamedRecord,
} from "@papyra/core";
import { KindLog, readEntry, type StoredEntry } from "./kind-log.js";
import { type MemoryBackendOptions, memoryOptionsSchema } from "./options.js";
import { followFeed, RecordFeed } from "./record-feed.js";

export type { MemoryBackendOptions } from "./options.js";

const LOCATION = "memory";

/**
 * A Papyra backend that keeps records in process memory. Retention is enforced on write (so
 * memory stays bounded) and on read (for the age rule). Records are stored in their wire form,
 * so callers mutating objects after writing, or objects they listed, change nothing stored.
 * Data and metrics live only as long as the process; there are no stored metrics.
 */
export class MemoryBackend extends MaintainableBackendBase<RecordByKind> {
  /** The retention policy in force (a validated copy). */
  readonly retention: RetentionPolicy;
  readonly #logs: Record<RecordKind, KindLog> = {
    event: new KindLog(),
    audit: new KindLog(),
    dead_letter: new KindLog(),
  };
  readonly #feed = new RecordFeed();
  /** Writes since the last full age sweep. */
  #writesSinceSweep = 0;
  /** Records stored right after the last sweep: the next sweep waits for as many writes. */
  #storedAtSweep = 0;

  /** Throws PersistenceConfigurationError on bad options (e.g. a bad retention policy). */
  constructor(options: MemoryBackendOptions = {}) {
    super();
    const parsed = parseOptions(memoryOptionsSchema, options, "memory backend options");
    this.retention = parsed.retention ?? {};
  }

  /** Stores the line synchronously, enforcing retention on write. */
  protected override async writeLine<K extends RecordKind>(
    kind: K,
    line: string,
    record: RecordByKind[K],
  ): Promise<void> {
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
  }

  /** The newest matches first, so a limit stops the walk early. */
  protected override async readRecords<K extends RecordKind>(
    kind: K,
    q: NormalizedListQuery,
  ): Promise<RecordByKind[K][]> {
    return this.#matches(kind, q).map((entry) => readEntry<K>(entry));
  }

  /** The kind's entries a listing returns, oldest first unless `q.reverse`. */
  #matches(kind: RecordKind, q: NormalizedListQuery): StoredEntry[] {
    const now = nowSeconds();
    const matches: StoredEntry[] = [];
    if (q.limit !== 0) {
      // Count and bytes rules already hold: only age and the time window are left to check.
      for (const entry of this.#logs[kind].newestFirst()) {
        if (this.#expired(entry, now) || !inTimeWindow(entry.timestamp, q)) continue;
        matches.push(entry);
        if (q.limit !== undefined && matches.length >= q.limit) break;
      }
    }
    matches.reverse();
    return finishListing(matches, q);
  }

  /** Stores a line another store holds, as given, when it decodes as a record (for import). */
  appendStoredLine(line: string): Promise<void> {
    return this.writeStoredLine(line);
  }

  /**
   * Streams the selected kinds' records, kind by kind, oldest first, within retention, each
   * with its stored line as stored (a line appended as given stays byte for byte).
   */
  iterate(query: IterateQuery = {}): AsyncGenerator<StreamedRecord> {
    return this.streamRecords("iterate", () => this.#iterateStored(query));
  }

  async *#iterateStored(query: IterateQuery): AsyncGenerator<StreamedRecord> {
    normalizeIterateQuery(query);
    const kinds = query.kinds ?? RECORD_KINDS;
    const window = this.normalizeQuery({ since: query.since, until: query.until });
    for (const kind of RECORD_KINDS) {
      if (!kinds.includes(kind)) continue;
      query.signal?.throwIfAborted();
      // The kind's entries at this moment: later writes and trims do not shift the walk.
      for (const entry of this.#matches(kind, window)) {
        query.signal?.throwIfAborted();
        const record = readEntry<typeof kind>(entry) as StoredRecordByKind[typeof kind];
        yield { kind, record, timestamp: entry.timestamp, line: entry.line };
      }
    }
  }

  /** The stored backlog of `kind`, then each record stored, until `options.signal` aborts. */
  follow<K extends RecordKind>(
    kind: K,
    options: FollowOptions<K>,
  ): AsyncGenerator<StoredRecordByKind[K]> {
    const list = (q: ListQuery) => this.#listKind(kind, q);
    return this.streamRecords("follow", () => followFeed(this.#feed, kind, options, list));
  }

  /** A listing for a stream: no counter moves here, the stream counts what it yields. */
  async #listKind<K extends RecordKind>(kind: K, q: ListQuery): Promise<StoredRecordByKind[K][]> {
    return (await this.readRecords(kind, this.normalizeQuery(q))) as StoredRecordByKind[K][];
  }

  /**
   * Checks the in-memory records. They are validated on write, so a scan is always clean; it
   * counts them and their bytes. Never changes anything.
   */
  protected override async scanStore(options: ScanOptions): Promise<ScanReport> {
    options.signal?.throwIfAborted();
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
   * Memory cannot be damaged the way files can: recovery scans before and after, and repairs
   * nothing (a dry run says the same).
   */
  protected override async recoverStore(config: RecoveryConfig): Promise<RecoveryReport> {
    config.signal?.throwIfAborted();
    const scanBefore = await this.scan({ signal: config.signal });
    const scanAfter = await this.scan({ signal: config.signal });
    return recoveryReportOf(config, scanBefore, scanAfter);
  }

  /**
   * Removes physically what retention excludes (records aged out since they were written).
   * With `dryRun`, works on a copy: the same figures, nothing removed.
   */
  protected override async compactStore(options: CompactOptions): Promise<CompactionFigures> {
    options.signal?.throwIfAborted();
    const dryRun = options.dryRun === true;
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
      before_records: beforeRecords,
      after_records: afterRecords,
      removed_records: beforeRecords - afterRecords,
      before_bytes: beforeBytes,
      after_bytes: afterBytes,
      reclaimed_bytes: beforeBytes - afterBytes,
    };
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

/** Opens an in-memory backend. Throws PersistenceConfigurationError on bad options. */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  return new MemoryBackend(options);
}
