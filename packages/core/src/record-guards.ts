import type { RecordKind } from "./records.js";

// Fast structural checks that accept a subset of what the zod schemas accept: the write
// guards mirror records.ts (strict), the read guards mirror stored-records.ts (liberal).
// Scans and listings decode every stored line, and zod costs several times JSON.parse per
// record; these guards answer the common case, and zod still decides (and explains) the rest.

type Fields = Record<string, unknown>;
type Guard = (fields: Fields) => boolean;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAddress(value: unknown): boolean {
  if (typeof value === "string") return true;
  if (!isObject(value)) return false;
  const id = value.actor_id;
  return (
    typeof value.system === "string" &&
    (typeof id === "string" || (typeof id === "number" && Number.isFinite(id)))
  );
}

function isTimestamp(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value);
}

function isSafeCount(value: unknown): boolean {
  return Number.isSafeInteger(value);
}

/** Any whole number: the Python implementation's counts are unbounded integers. */
function isWholeNumber(value: unknown): boolean {
  return Number.isInteger(value);
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

function isEvent(r: Fields, address: (value: unknown) => boolean): boolean {
  return (
    typeof r.system_id === "string" &&
    address(r.actor_address) &&
    typeof r.event_type === "string" &&
    isObject(r.payload) &&
    isTimestamp(r.timestamp)
  );
}

function isAudit(r: Fields, count: (value: unknown) => boolean): boolean {
  return (
    typeof r.system_id === "string" &&
    isTimestamp(r.timestamp) &&
    count(r.total_actors) &&
    count(r.alive_actors) &&
    count(r.stopping_actors) &&
    count(r.restarting_actors) &&
    count(r.registry_size) &&
    isStringArray(r.registry_orphans) &&
    isStringArray(r.registry_dead) &&
    count(r.dead_letters_count)
  );
}

function isDeadLetter(r: Fields, target: (value: unknown) => boolean): boolean {
  return (
    typeof r.system_id === "string" &&
    target(r.target) &&
    typeof r.message_type === "string" &&
    r.payload !== undefined &&
    isTimestamp(r.timestamp)
  );
}

/** Stored JSON never holds `undefined`, so a field is present exactly when it is defined. */
function isPresent(value: unknown): boolean {
  return value !== undefined;
}

function isAddressOrNull(value: unknown): boolean {
  return value === null || isAddress(value);
}

/**
 * True when `fields` is certainly a valid record of `kind` to write (records.ts). False means
 * "ask the zod schema": a guard never accepts what the schema rejects.
 */
export const writeGuards: Readonly<Record<RecordKind, Guard>> = {
  event: (r) => isEvent(r, isAddress),
  audit: (r) => isAudit(r, isSafeCount),
  dead_letter: (r) => isDeadLetter(r, isAddressOrNull),
};

/**
 * True when stored `fields` are certainly a record of `kind` as read (stored-records.ts):
 * addresses of any JSON shape, counts of any size. False means "ask the zod schema".
 */
export const readGuards: Readonly<Record<RecordKind, Guard>> = {
  event: (r) => isEvent(r, isPresent),
  audit: (r) => isAudit(r, isWholeNumber),
  dead_letter: (r) => isDeadLetter(r, isPresent),
};
