import type { ActorEvent, AuditSnapshot, DeadLetter, RecordKind } from "../records.js";

/** A record waiting for the store. */
export interface PendingRecord {
  kind: RecordKind;
  record: ActorEvent | AuditSnapshot | DeadLetter;
  /** UTF-8 bytes of the record's JSON, for the byte bound. */
  bytes: number;
  /** Acceptance order; the queue stays sorted by it (flush waits on it). */
  seq: number;
}

/**
 * The records waiting for the store, oldest first, within a bound on count and bytes. The
 * first `inFlight` records are being written; they count against the bound (they hold memory)
 * but are never evicted.
 */
export class PendingQueue {
  #items: PendingRecord[] = [];
  #bytes = 0;
  #inFlight = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly maxBytes: number,
  ) {}

  get records(): number {
    return this.#items.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Acceptance number of the oldest waiting record, or Infinity when none waits. */
  get oldestSeq(): number {
    return this.#items[0]?.seq ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Adds `item` if it fits. An audit that does not fit first evicts the newest events and dead
   * letters not yet in flight (audits carry the drop count, so they are the last to go).
   * Returns the records that were dropped: `item` itself when it could not be made to fit.
   */
  offer(item: PendingRecord): PendingRecord[] {
    if (this.#fits(item)) {
      this.#push(item);
      return [];
    }
    if (item.kind !== "audit" || item.bytes > this.maxBytes) return [item];
    const evicted: PendingRecord[] = [];
    for (let i = this.#items.length - 1; i >= this.#inFlight && !this.#fits(item); i--) {
      const candidate = this.#items[i] as PendingRecord;
      if (candidate.kind === "audit") continue;
      this.#items.splice(i, 1);
      this.#bytes -= candidate.bytes;
      evicted.push(candidate);
    }
    if (!this.#fits(item)) return [...evicted, item];
    this.#push(item);
    return evicted;
  }

  /** Marks the oldest `size` records as in flight and returns them. */
  takeBatch(size: number): PendingRecord[] {
    const batch = this.#items.slice(0, size);
    this.#inFlight = batch.length;
    return batch;
  }

  /** Ends the batch in flight: its records leave the queue except `retry`, which go back first. */
  settleBatch(retry: PendingRecord[]): void {
    const done = this.#items.splice(0, this.#inFlight, ...retry);
    for (const item of done) this.#bytes -= item.bytes;
    for (const item of retry) this.#bytes += item.bytes;
    this.#inFlight = 0;
  }

  /** Removes and returns every record not in flight. */
  drainWaiting(): PendingRecord[] {
    const waiting = this.#items.splice(this.#inFlight);
    for (const item of waiting) this.#bytes -= item.bytes;
    return waiting;
  }

  #fits(item: PendingRecord): boolean {
    return this.#items.length + 1 <= this.maxRecords && this.#bytes + item.bytes <= this.maxBytes;
  }

  #push(item: PendingRecord): void {
    this.#items.push(item);
    this.#bytes += item.bytes;
  }
}
