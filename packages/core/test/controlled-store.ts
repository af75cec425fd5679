import {
  type ActorEvent,
  type AuditSnapshot,
  type DeadLetter,
  encodeRecord,
  type PersistenceBackend,
  PersistenceClosedError,
  type RecordKind,
} from "../src/index.js";

/**
 * An in-memory store whose health a test controls: `ok`, `fail` (every write rejects as a full
 * disk would), `hang` (writes wait until `release()`, as on a stalled store). Core cannot use
 * the real memory backend (that package depends on core), so this one validates and encodes
 * through core's `encodeRecord` as every first-party backend does.
 */
export class ControlledStore implements PersistenceBackend {
  mode: "ok" | "fail" | "hang" = "ok";
  readonly lines: Array<{ kind: RecordKind; record: Record<string, unknown> }> = [];
  inFlight = 0;
  maxInFlight = 0;
  attempts = 0;
  #waiting: Array<() => void> = [];
  #closed = false;

  recordEvent(event: ActorEvent): Promise<void> {
    return this.#store("event", event);
  }
  recordAudit(audit: AuditSnapshot): Promise<void> {
    return this.#store("audit", audit);
  }
  recordDeadLetter(deadLetter: DeadLetter): Promise<void> {
    return this.#store("dead_letter", deadLetter);
  }
  async listEvents() {
    return [];
  }
  async listAudits() {
    return [];
  }
  async listDeadLetters() {
    return [];
  }
  async close(): Promise<void> {
    this.#closed = true;
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Lets every waiting write go on and the next ones succeed. */
  release(): void {
    this.mode = "ok";
    for (const go of this.#waiting.splice(0)) go();
  }

  /** The stored records of one kind, in order. */
  of(kind: RecordKind): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.kind === kind).map((l) => l.record);
  }

  async #store(kind: RecordKind, record: ActorEvent | AuditSnapshot | DeadLetter): Promise<void> {
    this.attempts++;
    if (this.#closed) throw new PersistenceClosedError();
    const line = encodeRecord(kind, record as never);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.mode === "hang") await new Promise<void>((go) => this.#waiting.push(go));
      else await Promise.resolve();
      if (this.mode === "fail") throw new Error("ENOSPC: no space left on device, write");
      const { kind: _kind, ...stored } = JSON.parse(line) as Record<string, unknown>;
      this.lines.push({ kind, record: stored });
    } finally {
      this.inFlight--;
    }
  }
}
