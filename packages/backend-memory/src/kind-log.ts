import { decodeLine, type RecordByKind, type RecordKind } from "@papyra/core";

/** One stored record: its line (the wire form, so reads return fresh copies) and its facts. */
export interface StoredEntry {
  line: string;
  /** UTF-8 bytes of the line plus its newline: the record's size for retention. */
  bytes: number;
  timestamp: number;
}

/**
 * The records of one kind, oldest first, with running totals. A queue with a moving head so
 * trimming the oldest record is O(1) amortised.
 */
export class KindLog {
  #entries: StoredEntry[] = [];
  #head = 0;
  #bytes = 0;

  /** Number of stored records. */
  get count(): number {
    return this.#entries.length - this.#head;
  }

  /** Sum of the stored records' sizes. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends a record as the newest. */
  push(entry: StoredEntry): void {
    this.#entries.push(entry);
    this.#bytes += entry.bytes;
  }

  /** The oldest stored record, if any. */
  oldest(): StoredEntry | undefined {
    return this.#entries[this.#head];
  }

  /** Drops the oldest record. */
  dropOldest(): void {
    const entry = this.#entries[this.#head];
    if (!entry) return;
    this.#entries[this.#head] = undefined as unknown as StoredEntry; // let it be collected
    this.#head += 1;
    this.#bytes -= entry.bytes;
    if (this.#head >= 1024 && this.#head * 2 >= this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Keeps only the records `keep` accepts, in order; returns how many were removed. */
  retain(keep: (entry: StoredEntry) => boolean): number {
    const kept: StoredEntry[] = [];
    let bytes = 0;
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as StoredEntry;
      if (keep(entry)) {
        kept.push(entry);
        bytes += entry.bytes;
      }
    }
    const removed = this.count - kept.length;
    this.#entries = kept;
    this.#head = 0;
    this.#bytes = bytes;
    return removed;
  }

  /** A log holding the same records (the entries are shared; they are never mutated). */
  copy(): KindLog {
    const copy = new KindLog();
    for (const entry of this.oldestFirst()) copy.push(entry);
    return copy;
  }

  /** Stored records, newest first. */
  *newestFirst(): Generator<StoredEntry> {
    for (let i = this.#entries.length - 1; i >= this.#head; i--)
      yield this.#entries[i] as StoredEntry;
  }

  /** Stored records, oldest first. */
  *oldestFirst(): Generator<StoredEntry> {
    for (let i = this.#head; i < this.#entries.length; i++) yield this.#entries[i] as StoredEntry;
  }
}

/**
 * Parses a stored line back into a fresh record object (without `kind`). The line was
 * validated on write (by encodeRecord, or by decodeLine for a stored line appended as given),
 * so it is not validated again. JSON.parse creates
 * `__proto__` keys as plain own properties.
 */
export function readEntry<K extends RecordKind>(entry: StoredEntry): RecordByKind[K] {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(entry.line) as Record<string, unknown>;
  } catch {
    // A line stored as given (`appendStoredLine`) may hold what only the liberal reader
    // takes (Python's NaN / Infinity tokens); it decoded as a record when it was stored.
    const decoded = decodeLine(entry.line);
    if (decoded.type !== "record") throw new TypeError("stored line no longer decodes");
    return decoded.record as RecordByKind[K];
  }
  delete record.kind;
  return record as RecordByKind[K];
}
