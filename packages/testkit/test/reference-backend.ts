import {
  type ActorEvent,
  type AuditSnapshot,
  applyRetention,
  type CompactionReport,
  type CompactOptions,
  type DeadLetter,
  decodeLine,
  encodeRecord,
  finishListing,
  inTimeWindow,
  type ListQuery,
  lineBytes,
  normalizeListQuery,
  type PersistenceBackend,
  PersistenceClosedError,
  PersistenceMetrics,
  parseOrThrow,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  recordSchemas,
  recoveryConfigSchema,
  type ScanOptions,
  type ScanReport,
  validateCompactOptions,
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
export class ReferenceBackend implements PersistenceBackend {
  readonly metrics = new PersistenceMetrics();
  readonly retention: RetentionPolicy;
  #closed = false;
  #pending = new Set<Promise<void>>();

  constructor(
    readonly store: ReferenceStore,
    retention: RetentionPolicy = {},
    readonly defect?: Defect,
  ) {
    this.retention = retention;
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

  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    options.signal?.throwIfAborted();
    this.metrics.increment("scan_operations");
    return {
      location: "reference",
      anomalies: [],
      records_scanned: this.store.lines.length,
      bytes_scanned: this.store.lines.reduce((sum, l) => sum + l.bytes, 0),
      incremental: false,
      sampled: false,
    };
  }

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
    this.metrics.increment("recovery_attempts");
    try {
      config.signal?.throwIfAborted();
      const scan = await this.scan();
      return {
        mode,
        dry_run: dryRun === true,
        scan_before: scan,
        repaired_files: [],
        quarantined_files: [],
        dropped_damaged: 0,
        dropped_by_retention: 0,
        scan_after: await this.scan(),
      };
    } catch (error) {
      this.metrics.increment("recovery_failures");
      throw error;
    }
  }

  async compact(options: CompactOptions = {}): Promise<CompactionReport> {
    validateCompactOptions(options);
    const dryRun = options.dryRun === true && this.defect !== "compaction-ignores-dry-run";
    this.metrics.increment("compactions_triggered");
    if (options.signal?.aborted) {
      this.metrics.increment("compaction_errors");
      throw options.signal.reason;
    }
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

  async close(): Promise<void> {
    this.#closed = true;
    if (this.defect !== "close-drops-pending") await Promise.all(this.#pending);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
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

  async #record<K extends RecordKind>(kind: K, record: RecordByKind[K]): Promise<void> {
    if (this.#closed && this.defect !== "writes-after-close") {
      throw new PersistenceClosedError();
    }
    let text: string;
    try {
      text =
        this.defect === "stores-what-json-changes"
          ? encodeLoosely(kind, record)
          : encodeRecord(kind, record);
    } catch (error) {
      this.metrics.increment(
        this.defect === "counts-failed-writes-as-written" ? "records_written" : "write_errors",
      );
      throw error;
    }
    if (this.defect === "drops-unknown-fields") {
      const { seq: _seq, ...known } = JSON.parse(text) as Record<string, unknown>;
      text = JSON.stringify(known);
    }
    const line: Line = { kind, text, bytes: lineBytes(text), timestamp: record.timestamp };
    // Stored on a later tick, like an asynchronous file or network write.
    const stored = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      if (this.defect === "close-drops-pending" && this.#closed) return;
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
    this.#pending.add(stored);
    await stored;
    this.#pending.delete(stored);
    this.metrics.increment("records_written");
    this.metrics.increment("bytes_written", line.bytes);
  }

  async #list<K extends RecordKind>(
    kind: K,
    query: ListQuery | undefined,
  ): Promise<RecordByKind[K][]> {
    let q: ReturnType<typeof normalizeListQuery>;
    try {
      q =
        this.defect === "accepts-negative-limit" && (query?.limit ?? 0) < 0
          ? { limit: undefined, since: undefined, until: undefined, reverse: false }
          : normalizeListQuery(query);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw error;
    }
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
    const records = out.map((l) => {
      const decoded = decodeLine(l.text);
      if (decoded.type !== "record") throw new Error("reference store corrupted");
      return (
        this.defect === "prototype-unsafe-copy" ? unsafeCopy(decoded.record) : decoded.record
      ) as RecordByKind[K];
    });
    this.metrics.increment(
      "records_read",
      this.defect === "counts-list-calls" ? 1 : records.length,
    );
    return records;
  }
}
