import { PersistenceValidationError } from "./errors.js";
import { recordGuards } from "./record-guards.js";
import { isKnownKind, type RecordByKind, type RecordKind, recordSchemas } from "./records.js";
import { toValidationIssues } from "./validation.js";

/** What one stored line (or stream entry payload) turned out to be. */
export type DecodedLine =
  | { type: "blank" }
  | { type: "record"; kind: RecordKind; record: RecordByKind[RecordKind]; timestamp: number }
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
 * Classifies one stored line. Never throws. The returned record is the parsed object itself
 * (without `kind`), so unknown fields are kept and `__proto__` keys stay plain own properties.
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
    return { type: "corrupt", detail: `not valid JSON (${(error as Error).message})` };
  }
  return decodeValue(value);
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
    return { type: "invalid", detail: `${kind} record has no numeric \`timestamp\`` };
  }
  if (!isKnownKind(kind)) return { type: "unknown_kind", kind, timestamp };
  if (!recordGuards[kind](object)) {
    const result = recordSchemas[kind].safeParse(object);
    if (!result.success) {
      const issues = toValidationIssues(result.error)
        .map((i) => `${i.path || "record"}: ${i.message}`)
        .join("; ");
      return { type: "invalid", detail: `invalid ${kind} record (${issues})` };
    }
  }
  return { type: "record", kind, record: object as RecordByKind[RecordKind], timestamp };
}

/**
 * Validates a record handed to `record*` and returns its stored line, without the trailing
 * newline: `kind` first, compact JSON. Throws {@link PersistenceValidationError} on bad input
 * (a non-finite timestamp, a BigInt or a cycle). As in `JSON.stringify`, a non-finite number
 * nested inside a payload is stored as `null`.
 */
export function encodeRecord<K extends RecordKind>(kind: K, record: RecordByKind[K]): string {
  if (typeof record !== "object" || record === null || !recordGuards[kind](record)) {
    const result = recordSchemas[kind].safeParse(record);
    if (!result.success) {
      throw new PersistenceValidationError(`${kind} record`, toValidationIssues(result.error));
    }
  }
  // A top-level toJSON would let the record serialise to something other than its fields.
  if (typeof (record as { toJSON?: unknown }).toJSON === "function") {
    throw new PersistenceValidationError(`${kind} record`, [
      { path: "", message: "a record must be a plain object (it has a toJSON method)" },
    ]);
  }
  try {
    if (Object.hasOwn(record, "kind")) {
      const { kind: _ignored, ...rest } = record;
      return JSON.stringify({ kind, ...rest });
    }
    const body = JSON.stringify(record);
    // Every valid record has fields, so the body is never "{}" and the splice stays valid JSON.
    return `{"kind":"${kind}",${body.slice(1)}`;
  } catch (error) {
    throw new PersistenceValidationError(`${kind} record`, [
      { path: "", message: `not serialisable as JSON (${(error as Error).message})` },
    ]);
  }
}

/** UTF-8 byte length of a stored line plus its newline: a record's size for retention. */
export function lineBytes(line: string): number {
  return Buffer.byteLength(line, "utf8") + 1;
}
