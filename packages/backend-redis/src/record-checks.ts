import type { RecordKind } from "@papyra/core";

// A copy of @papyra/core's internal record guards (src/record-guards.ts), kept here until core
// exports a check that does not consume the parsed object: core's decodeLine deletes `kind`
// from every record it accepts, which turns each parsed object into a dictionary and more than
// doubles what a scan allocates. These guards only ever accept a subset of what the zod schemas
// accept; whatever they do not accept is decided by core's decodeLine.

type Fields = Record<string, unknown>;

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

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value);
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

function isEvent(r: Fields): boolean {
  return (
    typeof r.system_id === "string" &&
    isAddress(r.actor_address) &&
    typeof r.event_type === "string" &&
    isObject(r.payload) &&
    isTimestamp(r.timestamp)
  );
}

function isAudit(r: Fields): boolean {
  return (
    typeof r.system_id === "string" &&
    isTimestamp(r.timestamp) &&
    isCount(r.total_actors) &&
    isCount(r.alive_actors) &&
    isCount(r.stopping_actors) &&
    isCount(r.restarting_actors) &&
    isCount(r.registry_size) &&
    isStringArray(r.registry_orphans) &&
    isStringArray(r.registry_dead) &&
    isCount(r.dead_letters_count)
  );
}

function isDeadLetter(r: Fields): boolean {
  return (
    typeof r.system_id === "string" &&
    (r.target === null || isAddress(r.target)) &&
    typeof r.message_type === "string" &&
    "payload" in r &&
    isTimestamp(r.timestamp)
  );
}

/**
 * True when `fields` is certainly a valid record of `kind`. False means "ask the zod schema":
 * a guard never accepts what the schema rejects.
 */
const recordGuards: Readonly<Record<RecordKind, (fields: Fields) => boolean>> = {
  event: isEvent,
  audit: isAudit,
  dead_letter: isDeadLetter,
};

/**
 * True when `text` is certainly a valid stored record (`kind` known, numeric `timestamp`,
 * fields as the schema wants them), without changing or keeping the parsed value. False means
 * "ask core's decodeLine", which also classifies unknown kinds and explains damage.
 */
export function isCertainlyValidLine(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isObject(value)) return false;
  const kind = value.kind;
  if (kind !== "event" && kind !== "audit" && kind !== "dead_letter") return false;
  return isTimestamp(value.timestamp) && recordGuards[kind](value);
}
