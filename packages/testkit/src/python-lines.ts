import type { RecordKind } from "@papyra/core";
import fc from "fast-check";

// Lines as the earlier Python implementation wrote them: `json.dumps(record)` with its default
// separators (", " and ": "), `ensure_ascii` on (its rotating backend: \uXXXX escapes,
// surrogate pairs for astral characters, lone surrogates escaped too) or off (its JSON
// backend: raw UTF-8), NaN / Infinity / -Infinity tokens, integers of any size, floats in
// Python's repr (942.8, 1e-07, 1e+16, -0.0), `kind` first or last, and the fields of each kind
// holding any JSON value where the format allows it (addresses, dead-letter payloads, extra
// fields). Every such line is a record a reader must keep and list.

/** A value as Python holds it before `json.dumps`. */
type PyValue =
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "str"; value: string }
  | { type: "bool"; value: boolean }
  | { type: "none" }
  | { type: "list"; items: PyValue[] }
  | { type: "dict"; entries: [string, PyValue][] };

/** One generated line with what a reader must return for it. */
export interface PythonWrittenLine {
  /** The line, without its newline. */
  line: string;
  kind: RecordKind;
  /** The record as `list*` must return it (without `kind`): big integers as the nearest double, NaN as NaN. */
  record: Record<string, unknown>;
}

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  34: '\\"',
  92: "\\\\",
  10: "\\n",
  13: "\\r",
  9: "\\t",
  8: "\\b",
  12: "\\f",
};

/** Python's `json.dumps` of a str, code unit by code unit (astral characters as pairs). */
function dumpString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[code];
    if (short !== undefined) out += short;
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += hex4(code);
    else out += text[i];
  }
  return `${out}"`;
}

/** Python's `repr(float)`, as `json.dumps` writes floats. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (value === 0) return 1 / value < 0 ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa = "", exponent = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const pointAt = Number(exponent) + 1;
  if (pointAt < -3 || pointAt > 16) {
    const exp = Number(exponent);
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : "";
    return `${sign}${digits[0]}${rest}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${"0".repeat(pointAt - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

function dump(value: PyValue, ensureAscii: boolean): string {
  switch (value.type) {
    case "int":
      return value.value.toString();
    case "float":
      return pythonFloatRepr(value.value);
    case "str":
      return dumpString(value.value, ensureAscii);
    case "bool":
      return value.value ? "true" : "false";
    case "none":
      return "null";
    case "list":
      return `[${value.items.map((item) => dump(item, ensureAscii)).join(", ")}]`;
    case "dict":
      return `{${value.entries.map(([key, item]) => `${dumpString(key, ensureAscii)}: ${dump(item, ensureAscii)}`).join(", ")}}`;
  }
}

/** What JSON.parse-like reading gives for a Python value. */
function toJs(value: PyValue): unknown {
  switch (value.type) {
    case "int":
      return Number(value.value); // the nearest double, as a reader gets for the digits
    case "float":
    case "str":
    case "bool":
      return value.value;
    case "none":
      return null;
    case "list":
      return value.items.map(toJs);
    case "dict": {
      const object: Record<string, unknown> = {};
      for (const [key, item] of value.entries) {
        Object.defineProperty(object, key, {
          value: toJs(item),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
      return object;
    }
  }
}

const int = (value: bigint): PyValue => ({ type: "int", value });
const float = (value: number): PyValue => ({ type: "float", value });
const str = (value: string): PyValue => ({ type: "str", value });
const dict = (entries: [string, PyValue][]): PyValue => ({ type: "dict", entries });
const list = (items: PyValue[]): PyValue => ({ type: "list", items });

function arbitraries(ensureAscii: boolean) {
  const unit = ensureAscii
    ? fc.oneof(
        { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
        // Python strings may hold lone surrogates; only the escaping writer can store them.
        {
          weight: 1,
          arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom('"', "\\", "\n", "\u0000", "\u007f", "\u2028", "é", "😀"),
        },
      )
    : fc.oneof(
        { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('"', "\\", "\n", "\u0000", "\u007f", "\u2028", "é", "😀"),
        },
      );
  const text = fc.string({ unit, maxLength: 12 });
  const key = fc.oneof(
    { weight: 5, arbitrary: text },
    {
      weight: 1,
      arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "kind", "toJSON"),
    },
  );
  const floats = fc.oneof(
    fc.double(),
    fc.constantFrom(
      942.8,
      1e-7,
      1e16,
      1.5e16,
      1e15,
      0.0001,
      1e-5,
      1763769600,
      1e300,
      -0,
      Number.NaN,
    ),
    fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  );
  const ints = fc.oneof(
    fc.bigInt({ min: -1000n, max: 1000n }),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
    fc.constantFrom(2n ** 53n + 1n, 2n ** 64n + 1n, -(2n ** 53n) - 1n),
  );
  const leaf: fc.Arbitrary<PyValue> = fc.oneof(
    ints.map(int),
    floats.map(float),
    text.map(str),
    fc.boolean().map((value): PyValue => ({ type: "bool", value })),
    fc.constant<PyValue>({ type: "none" }),
  );
  const { value } = fc.letrec<{ value: PyValue; list: PyValue; dict: PyValue }>((tie) => ({
    value: fc.oneof({ depthSize: "small", maxDepth: 3 }, leaf, tie("list"), tie("dict")),
    list: fc.array(tie("value"), { maxLength: 4 }).map(list),
    dict: fc
      .uniqueArray(fc.tuple(key, tie("value")), { maxLength: 4, selector: ([k]) => k })
      .map(dict),
  }));
  const objectValue = fc
    .uniqueArray(fc.tuple(key, value), { maxLength: 4, selector: ([k]) => k })
    .map(dict);
  const address = fc.tuple(text, fc.oneof(text.map(str), ints.map(int))).map(([system, id]) =>
    dict([
      ["system", str(system)],
      ["actor_id", id],
    ]),
  );
  // What a real Python actor system stores as a dead letter's target: its actor reference.
  const actorRef = fc.tuple(ints, address).map(([rid, inner]) =>
    dict([
      ["_rid", int(rid)],
      [
        "_mailbox_put",
        str("<bound method Mailbox.put of <papyra.mailbox.Mailbox object at 0x7f>>"),
      ],
      ["_address", inner],
    ]),
  );
  const anyAddress = fc.oneof(text.map(str), address, actorRef, ints.map(int), value);
  const finite = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(float),
    fc.constantFrom(942.8, 1763769600, 0.5).map(float),
    ints.map(int),
  );
  const strings = fc.array(text.map(str), { maxLength: 3 }).map(list);
  return { text, key, value, objectValue, anyAddress, finite, ints, strings };
}

const FIELDS: Readonly<Record<RecordKind, readonly string[]>> = {
  event: ["system_id", "actor_address", "event_type", "payload", "timestamp"],
  audit: [
    "system_id",
    "timestamp",
    "total_actors",
    "alive_actors",
    "stopping_actors",
    "restarting_actors",
    "registry_size",
    "registry_orphans",
    "registry_dead",
    "dead_letters_count",
  ],
  dead_letter: ["system_id", "target", "message_type", "payload", "timestamp"],
};

function recordFields(kind: RecordKind, ensureAscii: boolean): fc.Arbitrary<[string, PyValue][]> {
  const a = arbitraries(ensureAscii);
  const s = a.text.map(str);
  const count = a.ints.map(int);
  const fields: Record<RecordKind, fc.Arbitrary<PyValue[]>> = {
    event: fc.tuple(s, a.anyAddress, s, a.objectValue, a.finite),
    audit: fc.tuple(s, a.finite, count, count, count, count, count, a.strings, a.strings, count),
    dead_letter: fc.tuple(s, a.anyAddress, s, a.value, a.finite),
  };
  const known = new Set([...FIELDS[kind], "kind"]);
  const extras = fc.uniqueArray(
    fc.tuple(
      a.key.filter((k) => !known.has(k)),
      a.value,
    ),
    { maxLength: 2, selector: ([k]) => k },
  );
  return fc
    .tuple(fields[kind], extras)
    .map(([values, more]) => [
      ...FIELDS[kind].map((name, i): [string, PyValue] => [name, values[i] as PyValue]),
      ...more,
    ]);
}

/**
 * A fast-check arbitrary of lines the earlier Python implementation's `json.dumps` writes,
 * each with the record a reader must list for it. For testing that a backend reading such
 * files scans them clean, keeps their bytes through repair and compaction, and lists them.
 */
export function pythonWrittenLine(): fc.Arbitrary<PythonWrittenLine> {
  return fc
    .record({
      kind: fc.constantFrom<RecordKind>("event", "audit", "dead_letter"),
      ensureAscii: fc.boolean(),
      kindFirst: fc.boolean(),
    })
    .chain(({ kind, ensureAscii, kindFirst }) =>
      recordFields(kind, ensureAscii).map((fields): PythonWrittenLine => {
        const kindField: [string, PyValue] = ["kind", str(kind)];
        const all = kindFirst ? [kindField, ...fields] : [...fields, kindField];
        return {
          line: dump(dict(all), ensureAscii),
          kind,
          record: toJs(dict(fields)) as Record<string, unknown>,
        };
      }),
    );
}
