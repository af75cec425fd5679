import type {
  ActorEvent,
  AuditSnapshot,
  DeadLetter,
  ListQuery,
  PersistenceBackend,
  RecordByKind,
  RecordKind,
  StoredRecordByKind,
} from "@papyra/core";
import { encodeRecord, lineBytes, RECORD_KINDS } from "@papyra/core";

/** A fixed epoch (2025-11-22T00:00:00Z) for tests whose timestamps must not depend on the clock. */
export const BASE_TIME = 1_763_769_600;

/** Every record kind, re-exported for the groups. */
export const KINDS: readonly RecordKind[] = RECORD_KINDS;

/**
 * A valid event numbered `n`, at `BASE_TIME + n` unless `timestamp` is given. Every factory
 * record carries its number as the unknown top-level field `seq`.
 */
export function makeEvent(n: number, extra: Partial<ActorEvent> = {}): ActorEvent {
  return {
    system_id: "conformance",
    actor_address: { system: "conformance", actor_id: n },
    event_type: "ActorStarted",
    payload: { seq: n },
    timestamp: BASE_TIME + n,
    seq: n,
    ...extra,
  };
}

/** A valid audit snapshot numbered `n`. */
export function makeAudit(n: number, extra: Partial<AuditSnapshot> = {}): AuditSnapshot {
  return {
    system_id: "conformance",
    timestamp: BASE_TIME + n,
    total_actors: n,
    alive_actors: n,
    stopping_actors: 0,
    restarting_actors: 0,
    registry_size: n,
    registry_orphans: [],
    registry_dead: [],
    dead_letters_count: 0,
    seq: n,
    ...extra,
  };
}

/** A valid dead letter numbered `n`. */
export function makeDeadLetter(n: number, extra: Partial<DeadLetter> = {}): DeadLetter {
  return {
    system_id: "conformance",
    target: `conformance:${n}`,
    message_type: "Ping",
    payload: { seq: n },
    timestamp: BASE_TIME + n,
    seq: n,
    ...extra,
  };
}

/** A valid record of `kind` numbered `n`, with fields overridden by `extra`. */
export function makeRecord<K extends RecordKind>(
  kind: K,
  n: number,
  extra: Record<string, unknown> = {},
): RecordByKind[K] {
  switch (kind) {
    case "event":
      return makeEvent(n, extra as Partial<ActorEvent>) as RecordByKind[K];
    case "audit":
      return makeAudit(n, extra as Partial<AuditSnapshot>) as RecordByKind[K];
    default:
      return makeDeadLetter(n, extra as Partial<DeadLetter>) as RecordByKind[K];
  }
}

/** Writes a record of any kind through the matching `record*` method. */
export function write<K extends RecordKind>(
  backend: PersistenceBackend,
  kind: K,
  record: RecordByKind[K],
): Promise<void> {
  switch (kind) {
    case "event":
      return backend.recordEvent(record as ActorEvent);
    case "audit":
      return backend.recordAudit(record as AuditSnapshot);
    default:
      return backend.recordDeadLetter(record as DeadLetter);
  }
}

/** Lists records of any kind through the matching `list*` method. */
export function list<K extends RecordKind>(
  backend: PersistenceBackend,
  kind: K,
  query?: ListQuery,
): Promise<StoredRecordByKind[K][]> {
  switch (kind) {
    case "event":
      return backend.listEvents(query) as Promise<StoredRecordByKind[K][]>;
    case "audit":
      return backend.listAudits(query) as Promise<StoredRecordByKind[K][]>;
    default:
      return backend.listDeadLetters(query) as Promise<StoredRecordByKind[K][]>;
  }
}

/** Writes records one after another (so their stored order is the array's order). */
export async function writeAll<K extends RecordKind>(
  backend: PersistenceBackend,
  kind: K,
  records: readonly RecordByKind[K][],
): Promise<void> {
  for (const record of records) await write(backend, kind, record);
}

/** A record's retention size: UTF-8 bytes of its stored line plus the newline. */
export function recordBytes<K extends RecordKind>(kind: K, record: RecordByKind[K]): number {
  return lineBytes(encodeRecord(kind, record));
}

/** A deep copy through JSON: what a reader gets back for a record a caller wrote. */
export function wireCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The `seq` numbers of listed records (an unknown top-level field every factory record
 * carries, so it also checks unknown fields survive), to compare listings compactly.
 */
export function seqs(records: readonly unknown[] | undefined): unknown[] {
  return (records ?? []).map((r) => (r as { seq?: unknown } | null)?.seq);
}
