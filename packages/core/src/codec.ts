import { PersistenceValidationError, type ValidationIssue } from "./errors.js";
import { writeExactJson } from "./exact-json.js";
import { checkJsonExact } from "./json-exact.js";
import { mayHoldNonFiniteTokens, parseJsonWithNonFinite } from "./non-finite-json.js";
import { readGuards, writeGuards } from "./record-guards.js";
import { isKnownKind, type RecordByKind, type RecordKind, recordSchemas } from "./records.js";
import { type StoredRecordByKind, storedRecordSchemas } from "./stored-records.js";
import { toValidationIssues } from "./validation.js";

/** What one stored line (or stream entry payload) turned out to be. */
export type DecodedLine =
  | { type: "blank" }
  | {
      type: "record";
      kind: RecordKind;
      record: StoredRecordByKind[RecordKind];
      timestamp: number;
    }
  /** A record of a kind this version does not know: kept by every operation, never listed. */
  | { type: "unknown_kind"; kind: string; timestamp: number }
  /** Valid JSON object that is not a record (maps to INVALID_RECORD). */
  | { type: "invalid"; detail: string }
  /** Not a JSON object at all (maps to CORRUPTED_LINE). */
  | { type: "corrupt"; detail: string };

const WHITESPACE_ONLY = /^[ \t\r\n]*$/;
// `{"kind":"event",` as this version writes it, or `{"kind": "event", ` as the Python one did.
const KIND_FIRST = /^\{"kind": ?"([a-z_]+)", ?/;

/**
 * Classifies one stored line, liberally: JSON as any writer of the format wrote it, including
 * the Python implementation's `NaN`, `Infinity` and `-Infinity` tokens. Never throws. The
 * returned record is the parsed object itself (without `kind`), so unknown fields are kept
 * and `__proto__` keys stay plain own properties.
 */
export function decodeLine(text: string): DecodedLine {
  if (text.charCodeAt(0) === 0x7b /* { */) {
    const fast = decodeKindFirst(text);
    if (fast) return fast;
  } else if (WHITESPACE_ONLY.test(text)) {
    return { type: "blank" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!mayHoldNonFiniteTokens(text)) return notJson(error);
    try {
      value = parseJsonWithNonFinite(text);
    } catch {
      return notJson(error);
    }
  }
  return decodeValue(value);
}

function notJson(error: unknown): DecodedLine {
  return { type: "corrupt", detail: `not valid JSON (${(error as Error).message})` };
}

/**
 * The common case, a line that starts with its `kind`: parse the rest without it, so the
 * record never needs a `delete` (which turns a V8 object into a slow dictionary; scans
 * decode millions of lines). Returns undefined whenever the general path must decide.
 */
function decodeKindFirst(text: string): DecodedLine | undefined {
  const match = KIND_FIRST.exec(text);
  // The rest must open the next key, or `{"kind":"event",}` would parse as `{}`.
  if (!match || text.charCodeAt(match[0].length) !== 0x22 /* " */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(`{${text.slice(match[0].length)}`);
  } catch {
    return undefined;
  }
  // A second `kind` key would win in a plain parse: leave such lines to the general path.
  if (typeof value !== "object" || value === null || Object.hasOwn(value, "kind")) return undefined;
  return classify(value as Record<string, unknown>, match[1] as string);
}

/**
 * Classifies an already parsed JSON value the way {@link decodeLine} does. Never throws.
 * Takes ownership of `value`: on success its `kind` field is removed (no copy is made).
 */
export function decodeValue(value: unknown): DecodedLine {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      type: "corrupt",
      detail: `JSON ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value} is not an object`,
    };
  }
  const object = value as Record<string, unknown>;
  const kind = object.kind;
  if (typeof kind !== "string")
    return { type: "invalid", detail: "object has no string `kind` field" };
  const decoded = classify(object, kind);
  if (decoded.type === "record") delete object.kind;
  return decoded;
}

/** Classifies a record object of the given kind (its own `kind` field, if any, is ignored). */
function classify(object: Record<string, unknown>, kind: string): DecodedLine {
  const timestamp = object.timestamp;
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
    return {
      type: "invalid",
      detail: `${kind} record has no numeric \`timestamp\` (a finite number)`,
    };
  }
  if (!isKnownKind(kind)) return { type: "unknown_kind", kind, timestamp };
  if (!readGuards[kind](object)) {
    const result = storedRecordSchemas[kind].safeParse(object);
    if (!result.success) {
      const issues = toValidationIssues(result.error)
        .map((i) => `${i.path || "record"}: ${i.message}`)
        .join("; ");
      return { type: "invalid", detail: `invalid ${kind} record (${issues})` };
    }
  }
  return { type: "record", kind, record: object as StoredRecordByKind[RecordKind], timestamp };
}

/**
 * Validates a record handed to `record*` and returns its stored line, without the trailing
 * newline: `kind` first, compact JSON. Writing is strict: the record must have the fields of
 * its kind, and every value must be one JSON stores exactly (see checkJsonExact), so the line
 * decodes to an equal record. Anything else throws {@link PersistenceValidationError} naming
 * the field and the reason; a `kind` field equal to `kind` is the discriminator, not stored
 * as a field.
 */
export function encodeRecord<K extends RecordKind>(kind: K, record: RecordByKind[K]): string {
  const subject = `${kind} record`;
  if (!passesWriteGuard(kind, record)) {
    const issues = schemaIssues(kind, record);
    if (issues.length > 0) throw new PersistenceValidationError(subject, issues);
  }
  const checked = checkJsonExact(record, kind);
  if (checked.issue) throw new PersistenceValidationError(subject, [checked.issue]);
  if (checked.negativeZero) return writeExactJson(kind, record);
  if (Object.hasOwn(record, "kind")) {
    const { kind: _discriminator, ...fields } = record;
    return JSON.stringify({ kind, ...fields });
  }
  const body = JSON.stringify(record);
  // Every valid record has fields, so the body is never "{}" and the splice stays valid JSON.
  return `{"kind":"${kind}",${body.slice(1)}`;
}

function passesWriteGuard(kind: RecordKind, record: unknown): boolean {
  try {
    return typeof record === "object" && record !== null && writeGuards[kind](record as never);
  } catch {
    return false; // a getter that throws: the schema check below explains it
  }
}

/** What the zod schema of `kind` finds wrong with a record to write (empty when nothing). */
function schemaIssues(kind: RecordKind, record: unknown): ValidationIssue[] {
  try {
    const result = recordSchemas[kind].safeParse(record);
    return result.success ? [] : toValidationIssues(result.error);
  } catch (error) {
    // A getter that throws or a revoked proxy: still a validation error, never a crash.
    return [{ path: "", message: `the record cannot be checked (${(error as Error)?.message})` }];
  }
}

/** UTF-8 byte length of a stored line plus its newline: a record's size for retention. */
export function lineBytes(line: string): number {
  return Buffer.byteLength(line, "utf8") + 1;
}
