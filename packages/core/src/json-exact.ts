import type { ValidationIssue } from "./errors.js";

// What `record*` resolves must read back as an equal record, so a record may only hold values
// JSON stores exactly: plain objects (prototype Object.prototype or null), dense arrays,
// strings, finite numbers, booleans and null. JSON.stringify silently changes everything else
// (drops undefined, functions and symbols, writes NaN as null, a Map as {}, a Date through its
// toJSON) or throws (BigInt, cycles). This walk finds the first such value and names it.
//
// It runs on every write, so it visits each value once, allocates nothing unless it fails
// (and one empty array per object, for the symbol-key check), and looks for cycles only below
// CYCLE_CHECK_DEPTH: a cycle recurses forever, so it always gets there.

const CYCLE_CHECK_DEPTH = 64;

/** A value JSON cannot store as given: the keys leading to it (innermost first) and why. */
interface Failure {
  keys: (string | number)[];
  message: string;
  cycle?: true;
}

/** Objects on the current path below CYCLE_CHECK_DEPTH, by depth (reused between calls). */
const deepPath: object[] = [];
let sawNegativeZero = false;

function failure(message: string): Failure {
  return { keys: [], message };
}

/** What an object is, for messages: "a Date", "an Object", from its class name or built-in tag. */
function describeObject(value: object): string {
  let name: unknown;
  try {
    name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  } catch {
    name = undefined;
  }
  if (typeof name !== "string" || name === "")
    name = Object.prototype.toString.call(value).slice(8, -1);
  return `${/^[AEIO]/.test(name as string) ? "an" : "a"} ${name as string}`;
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `the BigInt ${value}n`;
  if (typeof value === "symbol") return `the symbol ${String(value)}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "number") return String(value);
  return typeof value;
}

function unsupported(value: unknown): Failure {
  if (typeof value === "bigint") {
    return failure(
      `is ${describe(value)}, which JSON cannot store; convert it to a number or a string`,
    );
  }
  if (typeof value === "number") {
    return failure(`is ${describe(value)}, which JSON would store as null; use a finite number`);
  }
  return failure(`is ${describe(value)}, which JSON cannot store`);
}

function checkValue(value: unknown, depth: number): Failure | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      if (value === 0) {
        // -0 is kept: the record is then written by writeExactJson, which spells it "-0".
        if (1 / value < 0) sawNegativeZero = true;
        return undefined;
      }
      return value - value === 0 ? undefined : unsupported(value);
    case "object":
      return value === null ? undefined : checkObject(value, depth);
    default:
      return unsupported(value);
  }
}

function checkObject(value: object, depth: number): Failure | undefined {
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return failure(
      `is ${describeObject(value)} with a toJSON method, so JSON would store what toJSON returns instead; store that value (e.g. date.toISOString()) or a plain object`,
    );
  }
  if (depth >= CYCLE_CHECK_DEPTH) {
    const level = depth - CYCLE_CHECK_DEPTH;
    for (let i = 0; i < level; i++) {
      if (deepPath[i] === value) {
        const message =
          "refers back to an object that contains it (a cycle), which JSON cannot store";
        return { keys: [], message, cycle: true };
      }
    }
    deepPath[level] = value;
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return notPlain(value);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const problem =
        item === undefined
          ? failure(
              i in value
                ? "is undefined, which JSON would store as null; use null"
                : "is a hole in a sparse array, which JSON would store as null; fill it or use null",
            )
          : checkValue(item, depth + 1);
      if (problem !== undefined) {
        problem.keys.push(i);
        return problem;
      }
    }
  } else {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return notPlain(value);
    const fields = value as Record<string, unknown>;
    for (const key in fields) {
      const item = fields[key];
      const problem = item === undefined ? undefinedField() : checkValue(item, depth + 1);
      if (problem !== undefined) {
        problem.keys.push(key);
        return problem;
      }
    }
  }
  return checkSymbolKeys(value);
}

function undefinedField(): Failure {
  return failure(
    "is undefined, which JSON cannot store (the field would be dropped); omit the field or use null",
  );
}

function notPlain(value: object): Failure {
  return failure(
    `is ${describeObject(value)}, not a plain object or array, so JSON would not store it as it is; convert it to a plain object, array, string or number`,
  );
}

function checkSymbolKeys(value: object): Failure | undefined {
  // The one allocation per object: no cheaper builtin reveals own symbol keys.
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length === 0) return undefined;
  for (const symbol of symbols) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) {
      return failure(
        `has the symbol key ${String(symbol)}, which JSON cannot store; use a string key`,
      );
    }
  }
  return undefined;
}

function toIssue(record: object, problem: Failure): ValidationIssue {
  const keys = problem.keys.reverse();
  return {
    path: (problem.cycle ? firstLoop(record, keys) : keys).join("."),
    message: problem.message,
  };
}

/**
 * A cycle is found many times around the loop; name the first key that leads back to an
 * object already on the path (`payload.self`, not `payload.self.self.self...`).
 */
function firstLoop(record: object, keys: (string | number)[]): (string | number)[] {
  const onPath: unknown[] = [record];
  let current: unknown = record;
  for (let i = 0; i < keys.length; i++) {
    current = (current as Record<string | number, unknown>)[keys[i] as string | number];
    if (onPath.includes(current)) return keys.slice(0, i + 1);
    onPath.push(current);
  }
  return keys;
}

/** What {@link checkJsonExact} found: the first problem, or whether the record holds a -0. */
export interface JsonExactResult {
  issue?: ValidationIssue;
  negativeZero: boolean;
}

const EXACT: JsonExactResult = Object.freeze({ negativeZero: false });
const EXACT_WITH_NEGATIVE_ZERO: JsonExactResult = Object.freeze({ negativeZero: true });

/**
 * Checks that every value of a record to be written is one JSON stores exactly, so its line
 * decodes to an equal record. `kind` is the kind being written: a `kind` field on the record
 * is its discriminator, allowed only with that value (it is not stored as a field).
 * Returns the first problem as a validation issue (path such as `payload.items.3`), and
 * whether the record holds a -0 (which JSON.stringify would write as 0). Never throws.
 */
export function checkJsonExact(record: object, kind: string): JsonExactResult {
  sawNegativeZero = false;
  try {
    const problem = checkRecord(record, kind);
    if (problem !== undefined) return { issue: toIssue(record, problem), negativeZero: false };
    return sawNegativeZero ? EXACT_WITH_NEGATIVE_ZERO : EXACT;
  } catch (error) {
    // A getter that throws, a revoked proxy, or nesting deeper than the stack allows.
    const reason =
      error instanceof RangeError ? "it is nested too deeply" : (error as Error)?.message;
    return {
      issue: { path: "", message: `the record cannot be checked (${String(reason)})` },
      negativeZero: false,
    };
  } finally {
    if (deepPath.length > 0) deepPath.length = 0;
  }
}

function checkRecord(record: object, kind: string): Failure | undefined {
  if (typeof (record as { toJSON?: unknown }).toJSON === "function") return checkObject(record, 0);
  const prototype = Object.getPrototypeOf(record);
  if (prototype !== Object.prototype && prototype !== null) return notPlain(record);
  const fields = record as Record<string, unknown>;
  for (const key in fields) {
    const item = fields[key];
    let problem: Failure | undefined;
    if (key === "kind") {
      if (item === kind) continue;
      problem = failure(
        `is ${typeof item === "string" ? JSON.stringify(item) : describe(item)}, but this call writes kind ${JSON.stringify(kind)}; remove the field or call the method for that kind`,
      );
    } else {
      problem = item === undefined ? undefinedField() : checkValue(item, 1);
    }
    if (problem !== undefined) {
      problem.keys.push(key);
      return problem;
    }
  }
  return checkSymbolKeys(record);
}
