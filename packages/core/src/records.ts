import { z } from "zod";

/** An actor's address: `"system:actor_id"` or `{ system, actor_id }`. Extra fields are kept. */
export const actorAddressSchema: z.ZodType<ActorAddress> = z.union([
  z.string(),
  z.looseObject({ system: z.string(), actor_id: z.union([z.string(), z.number()]) }),
]);

/** An actor's address as stored. */
export type ActorAddress =
  | string
  | { system: string; actor_id: string | number; [extra: string]: unknown };

const timestamp = z.number().finite();

// These schemas and types are what `record*` accepts (writing is strict); stored-records.ts
// has what `list*` returns (reading is liberal).

/** A lifecycle event (`ActorStarted`, `ActorCrashed`, ...) to write. Unknown fields are kept. */
export const actorEventSchema: z.ZodType<ActorEvent> = z.looseObject({
  system_id: z.string(),
  actor_address: actorAddressSchema,
  event_type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  timestamp,
});

/** An audit snapshot of a running system, to write. Unknown fields are kept. */
export const auditSnapshotSchema: z.ZodType<AuditSnapshot> = z.looseObject({
  system_id: z.string(),
  timestamp,
  total_actors: z.number().int(),
  alive_actors: z.number().int(),
  stopping_actors: z.number().int(),
  restarting_actors: z.number().int(),
  registry_size: z.number().int(),
  registry_orphans: z.array(z.string()),
  registry_dead: z.array(z.string()),
  dead_letters_count: z.number().int(),
});

/** A message that could not be delivered, to write. Unknown fields are kept. */
export const deadLetterSchema: z.ZodType<DeadLetter> = z.looseObject({
  system_id: z.string(),
  target: z.union([actorAddressSchema, z.null()]),
  message_type: z.string(),
  payload: z.unknown(),
  timestamp,
});

/** A lifecycle event to write, wire-shaped: the field names are those of the stored JSON. */
export interface ActorEvent {
  system_id: string;
  actor_address: ActorAddress;
  event_type: string;
  payload: Record<string, unknown>;
  /** Unix epoch seconds, fractional. */
  timestamp: number;
  [extra: string]: unknown;
}

/** An audit snapshot to write, wire-shaped. */
export interface AuditSnapshot {
  system_id: string;
  /** Unix epoch seconds, fractional. */
  timestamp: number;
  total_actors: number;
  alive_actors: number;
  stopping_actors: number;
  restarting_actors: number;
  registry_size: number;
  registry_orphans: string[];
  registry_dead: string[];
  dead_letters_count: number;
  [extra: string]: unknown;
}

/** A dead letter to write, wire-shaped. `payload` is any JSON value. */
export interface DeadLetter {
  system_id: string;
  target: ActorAddress | null;
  message_type: string;
  payload: unknown;
  /** Unix epoch seconds, fractional. */
  timestamp: number;
  [extra: string]: unknown;
}

/** The stored `kind` discriminator of each record kind this version knows. */
export type RecordKind = "event" | "audit" | "dead_letter";

/** Every record kind this version knows, in a stable order. */
export const RECORD_KINDS: readonly RecordKind[] = ["event", "audit", "dead_letter"];

/** Maps each record kind to the type `record*` accepts. */
export interface RecordByKind {
  event: ActorEvent;
  audit: AuditSnapshot;
  dead_letter: DeadLetter;
}

/** The zod schema of each record kind as written (without the `kind` field). */
export const recordSchemas: { readonly [K in RecordKind]: z.ZodType<RecordByKind[K]> } = {
  event: actorEventSchema,
  audit: auditSnapshotSchema,
  dead_letter: deadLetterSchema,
} as const;

/** True when `kind` is one of the kinds this version knows. */
export function isKnownKind(kind: unknown): kind is RecordKind {
  return kind === "event" || kind === "audit" || kind === "dead_letter";
}

/** Current time as Unix epoch seconds with sub-second precision (never a monotonic clock). */
export function nowSeconds(): number {
  return Date.now() / 1000;
}
