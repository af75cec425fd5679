import assert from "node:assert/strict";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ActorEvent,
  type DeadLetter,
  decodeLine,
  encodeRecord,
  PersistenceValidationError,
  type RecordKind,
} from "../src/index.js";

const letter: DeadLetter = {
  system_id: "s",
  target: "s:1",
  message_type: "Ping",
  payload: { n: 1 },
  timestamp: 1763769600.5,
};
const event: ActorEvent = {
  system_id: "s",
  actor_address: { system: "s", actor_id: 1 },
  event_type: "ActorStarted",
  payload: {},
  timestamp: 1763769600.5,
};

function refusal(kind: RecordKind, record: Record<string, unknown>) {
  try {
    encodeRecord(kind, record as never);
  } catch (error) {
    expect(error).toBeInstanceOf(PersistenceValidationError);
    return (error as PersistenceValidationError).issues;
  }
  throw new Error(`accepted ${kind} record`);
}

describe("encodeRecord refuses what JSON would store as something else", () => {
  class Temperature {
    celsius = 3;
  }
  const holes = [1, 2, 3];
  delete holes[1];
  const cycle: Record<string, unknown> = { n: 1 };
  cycle.again = { back: cycle };
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["payload: undefined", { ...letter, payload: undefined }, "payload", /undefined/],
    ["a function", { ...letter, payload: () => 1 }, "payload", /a function/],
    ["a symbol", { ...letter, payload: Symbol("s") }, "payload", /the symbol Symbol\(s\)/],
    ["a BigInt", { ...letter, payload: { n: 10n } }, "payload.n", /the BigInt 10n/],
    ["a Date", { ...letter, payload: new Date(0) }, "payload", /a Date with a toJSON method/],
    ["a boxed string", { ...letter, payload: new String("x") }, "payload", /a String, not a plain/],
    ["a Map", { ...letter, payload: { m: new Map() } }, "payload.m", /a Map, not a plain/],
    ["a typed array", { ...letter, payload: new Uint8Array(1) }, "payload", /a Uint8Array/],
    ["a class instance", { ...letter, payload: new Temperature() }, "payload", /a Temperature/],
    ["a RegExp", { ...letter, payload: [/x/] }, "payload.0", /a RegExp/],
    ["an Error", { ...letter, payload: new Error("e") }, "payload", /an Error/],
    ["a toJSON", { ...letter, payload: { toJSON: () => "x" } }, "payload", /toJSON/],
    [
      "an address toJSON",
      { ...letter, target: { system: "s", actor_id: 1, toJSON: () => "s:1" } },
      "target",
      /toJSON/,
    ],
    [
      "a nested undefined",
      { ...letter, payload: { items: [1, 2, 3, undefined] } },
      "payload.items.3",
      /use null/,
    ],
    ["a hole", { ...letter, payload: holes }, "payload.1", /hole in a sparse array/],
    [
      "NaN",
      { ...letter, payload: [Number.NaN] },
      "payload.0",
      /NaN, which JSON would store as null/,
    ],
    ["Infinity", { ...letter, payload: { x: -Infinity } }, "payload.x", /-Infinity/],
    ["a cycle", { ...letter, payload: cycle }, "payload.again.back", /a cycle/],
    [
      "a symbol key",
      { ...letter, payload: { [Symbol("k")]: 1 } },
      "payload",
      /symbol key Symbol\(k\)/,
    ],
    ["an undefined extra field", { ...letter, note: undefined }, "note", /omit the field/],
    ["a record with toJSON", { ...letter, toJSON: () => ({}) }, "", /toJSON/],
    ["a class instance record", Object.assign(new Temperature(), letter), "", /a Temperature/],
  ];
  for (const [what, record, path, message] of cases) {
    it(`refuses ${what}, naming ${path || "the record"}`, () => {
      const issues = refusal("dead_letter", record);
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe(path);
      expect(issues[0]?.message).toMatch(message);
    });
  }

  it("turns a getter that throws into a validation error, never a crash", () => {
    for (const field of ["system_id", "payload"]) {
      const record = { ...letter };
      Object.defineProperty(record, field, {
        enumerable: true,
        get() {
          throw new Error("boom");
        },
      });
      expect(() => encodeRecord("dead_letter", record)).toThrow(PersistenceValidationError);
    }
  });

  it("refuses an event whose address has a toJSON", () => {
    const address = { system: "s", actor_id: 1, toJSON: () => "other:2" };
    expect(refusal("event", { ...event, actor_address: address })[0]?.path).toBe("actor_address");
  });

  it("refuses a deeply nested cycle without overflowing, and deep plain nesting is fine", () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 500; i++) deep = { child: deep };
    expect(decodeLine(encodeRecord("dead_letter", { ...letter, payload: deep })).type).toBe(
      "record",
    );
    const loop: Record<string, unknown> = {};
    let tip = loop;
    for (let i = 0; i < 200; i++) {
      const next: Record<string, unknown> = {};
      tip.next = next;
      tip = next;
    }
    tip.next = loop;
    const issue = refusal("dead_letter", { ...letter, payload: loop })[0];
    expect(issue?.message).toMatch(/a cycle/);
    expect(issue?.path.split(".")).toHaveLength(202);
  });
});

describe("encodeRecord keeps what JSON stores exactly", () => {
  it("writes -0 as -0, anywhere, and it reads back as -0", () => {
    const record = { ...letter, payload: { z: -0, list: [0, -0] }, timestamp: -0 };
    const line = encodeRecord("dead_letter", record);
    expect(line).toBe(
      '{"kind":"dead_letter","system_id":"s","target":"s:1","message_type":"Ping","payload":{"z":-0,"list":[0,-0]},"timestamp":-0}',
    );
    const decoded = decodeLine(line);
    expect(decoded.type === "record" && decoded.record).toStrictEqual(record);
  });

  it("accepts null-prototype objects and reads them back as plain objects", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const decoded = decodeLine(encodeRecord("dead_letter", { ...letter, payload: bare }));
    expect(decoded.type === "record" && decoded.record.payload).toStrictEqual({ a: 1 });
  });

  it("writes the same bytes as JSON.stringify for records without -0 (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (payload, extra) => {
        const record = { ...extra, ...letter, payload };
        const hasNegativeZero =
          JSON.stringify(record, (_k, v) => (Object.is(v, -0) ? "-0!" : v)) !==
          JSON.stringify(record);
        fc.pre(!hasNegativeZero);
        expect(encodeRecord("dead_letter", record)).toBe(
          `{"kind":"dead_letter",${JSON.stringify(record).slice(1)}`,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("what encodeRecord accepts decodes to an equal record (property)", () => {
  const awkward = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY),
    fc.bigInt(),
    fc.date(),
    fc.string().map((s) => new String(s)),
    fc.constant(null).map(() => () => 1),
    fc.string().map((s) => Symbol(s)),
    fc.anything().map((v) => ({ toJSON: () => v })),
  );
  const value = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.anything({
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withBigInt: true,
        withDate: true,
        withTypedArray: true,
        withSparseArray: true,
        withObjectString: true,
      }),
    },
    { weight: 3, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: awkward },
    { weight: 1, arbitrary: fc.array(awkward, { maxLength: 3 }) },
  );
  const fields = ["system_id", "target", "message_type", "payload", "timestamp", "extra"];

  it("either throws PersistenceValidationError or round-trips deep-equal, -0 included", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...fields), value), { minLength: 1, maxLength: 3 }),
        (changes) => {
          const record: Record<string, unknown> = { ...letter };
          for (const [name, v] of changes) record[name] = v;
          let line: string;
          try {
            line = encodeRecord("dead_letter", record as never);
          } catch (error) {
            expect(error).toBeInstanceOf(PersistenceValidationError);
            return;
          }
          accepted += 1;
          const decoded = decodeLine(line);
          expect(decoded.type).toBe("record");
          // Null-prototype objects read back as plain ones: compare through a plain copy.
          // node's deepStrictEqual tells -0 from 0 and compares own `constructor` keys as data.
          assert.deepStrictEqual(decoded.type === "record" && decoded.record, plain(record));
        },
      ),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});

function plain(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, {
      value: plain((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
