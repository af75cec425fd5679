import { z } from "zod";
import { encodeRecord } from "./codec.js";
import { RECORD_KINDS, type RecordKind } from "./records.js";
import type { StoredRecordByKind } from "./stored-records.js";
import { parseOrThrow } from "./validation.js";

/**
 * What {@link RecordStreaming.iterate} reads: the kinds (default all three, in store order) and
 * an inclusive time window in epoch seconds. Retention applies as it does to `list*`.
 */
export interface IterateQuery {
  kinds?: readonly RecordKind[];
  since?: number;
  until?: number;
  /** Stops the iteration; the iterator then throws the signal's reason. */
  signal?: AbortSignal;
}

/** One record met by a streamed read: its kind, the record, and its stored line. */
export interface StreamedRecord<K extends RecordKind = RecordKind> {
  kind: K;
  record: StoredRecordByKind[K];
  timestamp: number;
  /**
   * The record's stored line (without newline, `kind` included), byte for byte as the writer
   * wrote it where the backend keeps lines (file stores, Redis): unknown fields, Python's
   * separators and number tokens are kept.
   */
  line: string;
}

/** Options of {@link RecordStreaming.follow}. */
export interface FollowOptions<K extends RecordKind> {
  /** Ends the follow: the iterator then returns (no error) and releases what it holds. */
  signal: AbortSignal;
  /** Only records at or after this time (epoch seconds), in the backlog and after it. */
  since?: number;
  /**
   * How many of the newest records already stored to yield first (after `accept`), oldest
   * first. Default: every stored record; `0`: only what is appended from now on.
   */
  limit?: number;
  /** Only records this predicate accepts (filters apply before `limit`). */
  accept?: (record: StoredRecordByKind[K]) => boolean;
}

/**
 * Optional streaming capabilities of a backend, detected by {@link streamingCapabilities}.
 * `iterate` reads the whole selection oldest first in bounded memory (export, large listings);
 * `follow` yields the stored backlog, then each record of one kind as it is appended, until the
 * signal aborts (`tail -f`).
 */
export interface RecordStreaming {
  iterate(query?: IterateQuery): AsyncIterable<StreamedRecord>;
  follow<K extends RecordKind>(
    kind: K,
    options: FollowOptions<K>,
  ): AsyncIterable<StoredRecordByKind[K]>;
}

/** Which streaming parts a backend has. Never throws. */
export function streamingCapabilities(backend: unknown): { iterate: boolean; follow: boolean } {
  const has = (key: string): boolean => {
    try {
      return (
        typeof backend === "object" &&
        backend !== null &&
        typeof (backend as Record<string, unknown>)[key] === "function"
      );
    } catch {
      return false;
    }
  };
  return { iterate: has("iterate"), follow: has("follow") };
}

/** The list method of each kind, for backends without `iterate`. */
interface Lister {
  listEvents(query?: { since?: number; until?: number }): Promise<unknown[]>;
  listAudits(query?: { since?: number; until?: number }): Promise<unknown[]>;
  listDeadLetters(query?: { since?: number; until?: number }): Promise<unknown[]>;
}

const LIST_METHOD = {
  event: "listEvents",
  audit: "listAudits",
  dead_letter: "listDeadLetters",
} as const satisfies Record<RecordKind, keyof Lister>;

/**
 * Reads records of the selected kinds from any backend: through its `iterate` when it has one
 * (bounded memory), else kind by kind through `list*` (each kind's listing is held whole; the
 * lines are re-encoded). Validates the kinds and the window before reading.
 */
export async function* iterateRecords(
  backend: Lister & Partial<Pick<RecordStreaming, "iterate">>,
  query: IterateQuery = {},
): AsyncGenerator<StreamedRecord> {
  const kinds = query.kinds ?? RECORD_KINDS;
  if (typeof backend.iterate === "function") {
    yield* backend.iterate({ ...query, kinds });
    return;
  }
  const window: { since?: number; until?: number } = {};
  if (query.since !== undefined) window.since = query.since;
  if (query.until !== undefined) window.until = query.until;
  for (const kind of RECORD_KINDS) {
    if (!kinds.includes(kind)) continue;
    query.signal?.throwIfAborted();
    const records = (await backend[LIST_METHOD[kind]](window)) as StoredRecordByKind[RecordKind][];
    for (const record of records) {
      query.signal?.throwIfAborted();
      yield { kind, record, timestamp: record.timestamp, line: lineOf(kind, record) };
    }
  }
}

/** A listed record's line: strict encoding when it can be, else plain JSON (kind first). */
function lineOf(kind: RecordKind, record: StoredRecordByKind[RecordKind]): string {
  try {
    return encodeRecord(kind, record as never);
  } catch {
    return JSON.stringify({ kind, ...record });
  }
}

const iterateQuerySchema = z
  .looseObject({
    kinds: z
      .array(z.enum(["event", "audit", "dead_letter"]), {
        error: "kinds must be a list of event, audit, dead_letter",
      })
      .optional(),
    since: z.number().finite("since must be finite epoch seconds").optional(),
    until: z.number().finite("until must be finite epoch seconds").optional(),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, {
    message: "since must not be after until",
    path: ["since"],
  });

/** Validates an {@link IterateQuery}; throws PersistenceValidationError naming each bad field. */
export function normalizeIterateQuery(query: IterateQuery | undefined): IterateQuery {
  const { signal, ...rest } = query ?? {};
  parseOrThrow(iterateQuerySchema, rest, "iterate query");
  return query ?? {};
}

const followLimitSchema = z.looseObject({
  limit: z
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .nonnegative("limit must not be negative")
    .optional(),
  since: z.number().finite("since must be finite epoch seconds").optional(),
});

/** Validates {@link FollowOptions} (limit, since, a signal); throws PersistenceValidationError. */
export function validateFollowOptions<K extends RecordKind>(
  kind: K,
  options: FollowOptions<K>,
): void {
  parseOrThrow(z.enum(["event", "audit", "dead_letter"]), kind, "follow kind");
  const { signal, accept, ...rest } = options;
  parseOrThrow(followLimitSchema, rest, "follow options");
  if (!(signal instanceof AbortSignal)) {
    parseOrThrow(z.never({ error: "signal must be an AbortSignal" }), signal, "follow options");
  }
}
