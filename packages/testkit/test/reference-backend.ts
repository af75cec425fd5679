import {
  applyRetention,
  type CompactionFigures,
  type CompactOptions,
  decodeLine,
  encodeRecord,
  finishListing,
  inTimeWindow,
  type ListQuery,
  lineBytes,
  MaintainableBackendBase,
  type NormalizedListQuery,
  normalizeListQuery,
  parseOrThrow,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  recordSchemas,
  recoveryReportOf,
  type ScanOptions,
  type ScanReport,
} from "@papyra/core";

/** Deliberate defects, each of which the conformance suite must catch. */
export type Defect =
  | "drops-unknown-fields"
  | "limit-keeps-oldest"
  | "ignores-retention"
  | "kinds-share-retention"
  | "close-drops-pending"
  | "writes-after-close"
  | "counts-failed-writes-as-written"
  | "counts-list-calls"
  | "prototype-unsafe-copy"
  | "loses-concurrent-writes"
  | "compaction-drops-everything"
  | "compaction-ignores-dry-run"
  | "accepts-negative-limit"
  | "stores-what-json-changes";

interface Line {
  kind: RecordKind;
  text: string;
  bytes: number;
  timestamp: number;
}

/** The "disk" of a reference store: survives closing, so the suite can reopen it. */
export interface ReferenceStore {
  lines: Line[];
}

/** Validates the fields' types only, then lets JSON.stringify change what it does not store. */
function encodeLoosely(kind: RecordKind, record: unknown): string {
  parseOrThrow(recordSchemas[kind] as Parameters<typeof parseOrThrow>[0], record, `${kind} record`);
  return JSON.stringify({ kind, ...(record as object) });
}

/** Copies JSON the unsafe way: assignment, so a `__proto__` key sets the prototype. */
function unsafeCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unsafeCopy);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = unsafeCopy(v);
  return out;
}

/**
 * A small, obviously correct backend over an in-memory "disk" (retention on read, compaction
 * physical), with optional defects, to check that the suite passes what is right and fails
 * what is wrong.
 */
export class ReferenceBackend extends MaintainableBackendBase<RecordByKind> {
  readonly retention: RetentionPolicy;

  constructor(
    readonly store: ReferenceStore,
    retention: RetentionPolicy = {},
    readonly defect?: Defect,
  ) {
    super();
    this.retention = retention;
  }

  override close(): Promise<void> {
    // The defect: close() flushes but never closes.
    if (this.defect === "writes-after-close") return this.settleWrites();
    return super.close();
  }

  protected override closeStore(): Promise<void> {
    if (this.defect === "close-drops-pending") return Promise.resolve();
    return this.settleWrites();
  }

  protected override encodeLine<K extends RecordKind>(kind: K, record: RecordByKind[K]): string {
    try {
      return this.defect === "stores-what-json-changes"
        ? encodeLoosely(kind, record)
        : encodeRecord(kind, record);
    } catch (error) {
      if (this.defect === "counts-failed-writes-as-written") {
        this.metrics.increment("records_written");
      }
      throw error;
    }
  }

  protected override normalizeQuery(query: ListQuery | undefined): NormalizedListQuery {
    if (this.defect === "accepts-negative-limit" && (query?.limit ?? 0) < 0) {
      return { limit: undefined, since: undefined, until: undefined, reverse: false };
    }
    return normalizeListQuery(query);
  }

  protected override writeLine<K extends RecordKind>(
    kind: K,
    encoded: string,
    record: RecordByKind[K],
  ): Promise<void> {
    let text = encoded;
    if (this.defect === "drops-unknown-fields") {
      const { seq: _seq, ...known } = JSON.parse(text) as Record<string, unknown>;
      text = JSON.stringify(known);
    }
    const line: Line = { kind, text, bytes: lineBytes(text), timestamp: record.timestamp };
    // Stored on a later tick, like an asynchronous file or network write.
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      if (this.defect === "close-drops-pending" && this.closed) return;
      if (this.defect === "loses-concurrent-writes") {
        const copy = [...this.store.lines];
        return new Promise<void>((resolve) =>
          setImmediate(() => {
            this.store.lines = [...copy, line];
            resolve();
          }),
        );
      }
      this.store.lines.push(line);
    });
  }

  protected override async readRecords<K extends RecordKind>(
    kind: K,
    q: NormalizedListQuery,
  ): Promise<RecordByKind[K][]> {
    const matches = this.#retained(this.store.lines).filter(
      (l) => l.kind === kind && inTimeWindow(l.timestamp, q),
    );
    let out: Line[];
    if (this.defect === "limit-keeps-oldest" && q.limit !== undefined) {
      out = matches.slice(0, q.limit);
      if (q.reverse) out.reverse();
    } else {
      out = finishListing(matches, q);
    }
    // The defect counts each call once more than the records it returns.
    if (this.defect === "counts-list-calls") this.metrics.increment("records_read");
    return out.map((l) => {
      const decoded = decodeLine(l.text);
      if (decoded.type !== "record") throw new Error("reference store corrupted");
      return (
        this.defect === "prototype-unsafe-copy" ? unsafeCopy(decoded.record) : decoded.record
      ) as RecordByKind[K];
    });
  }

  protected override async scanStore(options: ScanOptions): Promise<ScanReport> {
    options.signal?.throwIfAborted();
    return {
      location: "reference",
      anomalies: [],
      records_scanned: this.store.lines.length,
      bytes_scanned: this.store.lines.reduce((sum, l) => sum + l.bytes, 0),
      incremental: false,
      sampled: false,
    };
  }

  protected override async recoverStore(config: RecoveryConfig): Promise<RecoveryReport> {
    config.signal?.throwIfAborted();
    const scan = await this.scan();
    return recoveryReportOf(config, scan, await this.scan());
  }

  protected override async compactStore(options: CompactOptions): Promise<CompactionFigures> {
    const dryRun = options.dryRun === true && this.defect !== "compaction-ignores-dry-run";
    if (options.signal?.aborted) throw options.signal.reason;
    const before = this.store.lines;
    const after = this.defect === "compaction-drops-everything" ? [] : this.#retained(before);
    if (!dryRun) this.store.lines = after;
    const beforeBytes = before.reduce((sum, l) => sum + l.bytes, 0);
    const afterBytes = after.reduce((sum, l) => sum + l.bytes, 0);
    return {
      dry_run: dryRun,
      before_records: before.length,
      after_records: after.length,
      removed_records: before.length - after.length,
      before_bytes: beforeBytes,
      after_bytes: afterBytes,
      reclaimed_bytes: beforeBytes - afterBytes,
    };
  }

  #retained(lines: Line[]): Line[] {
    if (this.defect === "ignores-retention") return lines;
    const items = lines.map((line) => ({
      kind: this.defect === "kinds-share-retention" ? "event" : line.kind,
      timestamp: line.timestamp,
      bytes: line.bytes,
      line,
    }));
    return applyRetention(items, this.retention).map((item) => item.line);
  }
}
