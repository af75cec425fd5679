import { z } from "zod";
import type { AuditSnapshot, RecordKind } from "./records.js";

// Reading is liberal: every line the earlier Python implementation can write is a record.
// It stored addresses as any JSON (a dead letter's target is often a serialised actor
// reference object, sometimes an integer), monotonic timestamps, NaN / Infinity tokens and
// integers of any size. What stays invalid is what no writer writes: a known kind whose
// string fields are not strings, an event payload that is not an object, counts that are not
// whole numbers, a required field that is missing.

const timestamp = z.number().finite();
/** A field that must be present and may hold any JSON value. */
const anyJson = z.unknown();
const wholeNumber = z
  .number()
  .refine((value) => Number.isInteger(value), { message: "expected a whole number" });

/** A stored lifecycle event as read back: `actor_address` may be any JSON. */
export const storedActorEventSchema: z.ZodType<StoredActorEvent> = z.looseObject({
  system_id: z.string(),
  actor_address: anyJson,
  event_type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  timestamp,
});

/** A stored audit snapshot as read back: counts may exceed 2^53 (read as the nearest double). */
export const storedAuditSnapshotSchema: z.ZodType<StoredAuditSnapshot> = z.looseObject({
  system_id: z.string(),
  timestamp,
  total_actors: wholeNumber,
  alive_actors: wholeNumber,
  stopping_actors: wholeNumber,
  restarting_actors: wholeNumber,
  registry_size: wholeNumber,
  registry_orphans: z.array(z.string()),
  registry_dead: z.array(z.string()),
  dead_letters_count: wholeNumber,
});

/** A stored dead letter as read back: `target` and `payload` may be any JSON. */
export const storedDeadLetterSchema: z.ZodType<StoredDeadLetter> = z.looseObject({
  system_id: z.string(),
  target: anyJson,
  message_type: z.string(),
  payload: anyJson,
  timestamp,
});

/**
 * A lifecycle event as `list*` returns it. `actor_address` is whatever the writer stored:
 * Papyra writes an `ActorAddress`, other writers stored other JSON shapes. Use
 * `addressOf()` for an address or `formatAddress()` to print it. Numbers JavaScript cannot
 * hold exactly are the nearest it can; Python's `NaN` / `Infinity` read as `NaN` / `Infinity`.
 */
export interface StoredActorEvent {
  system_id: string;
  /** Any JSON value (see `addressOf`). */
  actor_address: unknown;
  event_type: string;
  payload: Record<string, unknown>;
  /** Seconds, fractional: Unix epoch seconds when Papyra wrote it, any finite number otherwise. */
  timestamp: number;
  [extra: string]: unknown;
}

/** An audit snapshot as `list*` returns it (counts beyond 2^53 are the nearest double). */
export type StoredAuditSnapshot = AuditSnapshot;

/**
 * A dead letter as `list*` returns it. `target` is whatever the writer stored: an address,
 * null, or (from the Python implementation) an actor reference object or an integer. Use
 * `addressOf()` or `formatAddress()`.
 */
export interface StoredDeadLetter {
  system_id: string;
  /** Any JSON value (see `addressOf`). */
  target: unknown;
  message_type: string;
  payload: unknown;
  /** Seconds, fractional: Unix epoch seconds when Papyra wrote it, any finite number otherwise. */
  timestamp: number;
  [extra: string]: unknown;
}

/** Maps each record kind to the type `list*` returns. */
export interface StoredRecordByKind {
  event: StoredActorEvent;
  audit: StoredAuditSnapshot;
  dead_letter: StoredDeadLetter;
}

/** The zod schema of each record kind as read back (without the `kind` field). */
export const storedRecordSchemas: Readonly<Record<RecordKind, z.ZodType>> = {
  event: storedActorEventSchema,
  audit: storedAuditSnapshotSchema,
  dead_letter: storedDeadLetterSchema,
};
