import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type ActorEvent,
  type DecodedLine,
  decodeLine,
  decodeValue,
  encodeRecord,
  lineBytes,
  PersistenceValidationError,
  type RecordKind,
} from "../src/index.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

const event: ActorEvent = {
  system_id: "local",
  actor_address: { system: "local", actor_id: 1 },
  event_type: "ActorStarted",
  payload: { note: "héllo ✓" },
  timestamp: 1763769600.5,
};

function typeOf(line: string): DecodedLine["type"] {
  return decodeLine(line).type;
}

describe("decodeLine", () => {
  it("classifies whitespace-only lines as blank", () => {
    for (const line of ["", " ", "\t", "\r", "  \r\n", "\n"])
      expect(typeOf(line), JSON.stringify(line)).toBe("blank");
  });

  it("classifies text that is not a JSON object as corrupt, with a detail", () => {
    const cases: [string, RegExp][] = [
      ["{", /not valid JSON/],
      ['{"kind": "event", "system_id": "lo', /not valid JSON/],
      ["garbage \u0000\u00ff", /not valid JSON/],
      ["[1, 2]", /JSON array is not an object/],
      ["42", /JSON number is not an object/],
      ['"text"', /JSON string is not an object/],
      ["null", /JSON null is not an object/],
      ["true", /JSON boolean is not an object/],
    ];
    for (const [line, detail] of cases) {
      const decoded = decodeLine(line);
      expect(decoded.type, line).toBe("corrupt");
      expect((decoded as { detail: string }).detail, line).toMatch(detail);
    }
  });

  it("classifies JSON objects that are not records as invalid", () => {
    const cases: [unknown, RegExp][] = [
      [{ system_id: "x", timestamp: 1 }, /no string `kind`/],
      [{ kind: 5, timestamp: 1 }, /no string `kind`/],
      [{ kind: "event", ...event, timestamp: "1763769600" }, /no numeric `timestamp`/],
      [{ kind: "event", ...event, timestamp: null }, /no numeric `timestamp`/],
      [{ kind: "audit", system_id: "x" }, /no numeric `timestamp`/],
      [{ kind: "future_kind", note: "no timestamp" }, /no numeric `timestamp`/],
      [{ kind: "event", ...event, payload: "not an object" }, /invalid event record \(payload: /],
      [
        { kind: "dead_letter", system_id: "x", timestamp: 1, message_type: "M" },
        /invalid dead_letter record/,
      ],
    ];
    for (const [value, detail] of cases) {
      const decoded = decodeLine(JSON.stringify(value));
      expect(decoded.type, JSON.stringify(value)).toBe("invalid");
      expect((decoded as { detail: string }).detail).toMatch(detail);
    }
    // JSON cannot spell NaN, but 1e999 parses as Infinity.
    expect(typeOf('{"kind":"event","timestamp":1e999}')).toBe("invalid");
  });

  it("keeps a record of an unknown kind as unknown_kind with its timestamp", () => {
    expect(decodeLine('{"kind":"metric_sample","timestamp":12.5,"value":3}')).toEqual({
      type: "unknown_kind",
      kind: "metric_sample",
      timestamp: 12.5,
    });
  });

  it("returns a record without `kind`, unknown fields kept, key order of the line", () => {
    const decoded = decodeLine(JSON.stringify({ kind: "event", ...event, trace: { id: 7 } }));
    expect(decoded).toEqual({
      type: "record",
      kind: "event",
      record: { ...event, trace: { id: 7 } },
      timestamp: event.timestamp,
    });
    if (decoded.type === "record") expect(Object.keys(decoded.record)).not.toContain("kind");
  });

  it("accepts `kind` last, Python separators and \\u escapes", () => {
    const line =
      '{"system_id": "local", "actor_address": "local:1", "event_type": "E", "payload": {"n": "h\\u00e9llo \\u2713"}, "timestamp": 1.0, "kind": "event"}';
    const decoded = decodeLine(line);
    expect(decoded.type).toBe("record");
    if (decoded.type === "record")
      expect(decoded.record).toMatchObject({ payload: { n: "héllo ✓" }, timestamp: 1 });
  });

  it("keeps __proto__, constructor and prototype keys as own keys without touching prototypes", () => {
    const line =
      '{"kind":"dead_letter","system_id":"s","target":null,"message_type":"M","timestamp":1,"__proto__":{"polluted":1},"payload":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}';
    const decoded = decodeLine(line);
    expect(decoded.type).toBe("record");
    if (decoded.type !== "record") return;
    const record = decoded.record as Record<string, unknown>;
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.hasOwn(record, "__proto__")).toBe(true);
    expect(record.polluted).toBeUndefined();
    const payload = record.payload as Record<string, unknown>;
    expect(Object.hasOwn(payload, "__proto__")).toBe(true);
    expect(Object.hasOwn(payload, "constructor")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("never throws, whatever it is given", () => {
    const samples = [
      "\uFFFD\uFFFD",
      "{}".repeat(1000),
      '{"kind":{}}',
      "x".repeat(100_000),
      "\u0000",
      '{"kind":"event"',
    ];
    for (const s of samples) expect(() => decodeLine(s)).not.toThrow();
    for (const v of [undefined, Symbol("s"), () => 1, 10n, Object.create(null)])
      expect(() => decodeValue(v)).not.toThrow();
  });
});

describe("decodeLine on stores written by the Python implementation", () => {
  const expected = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as Record<
    string,
    unknown[]
  >;
  const byKind = (lines: string[]) => {
    const out: Record<RecordKind, unknown[]> = { event: [], audit: [], dead_letter: [] };
    for (const line of lines) {
      const decoded = decodeLine(line);
      expect(decoded.type, line).toBe("record");
      if (decoded.type === "record") out[decoded.kind].push(decoded.record);
    }
    return { events: out.event, audits: out.audit, dead_letters: out.dead_letter };
  };
  const linesOf = (file: string) =>
    readFileSync(join(fixtures, file), "utf8")
      .split("\n")
      .filter((l) => l !== "");

  it("reads every line of the JSON store (kind first, UTF-8) as expected.json", () => {
    expect(byKind(linesOf("json-store.ndjson"))).toEqual(expected);
  });

  it("reads every line of the rotating set (kind last, \\u escapes), oldest segment first, as expected.json", () => {
    const files = [
      "rotating/papyra.log.3",
      "rotating/papyra.log.2",
      "rotating/papyra.log.1",
      "rotating/papyra.log",
    ];
    expect(byKind(files.flatMap(linesOf))).toEqual(expected);
  });
});

describe("encodeRecord", () => {
  it("rejects records that cannot be stored as their fields, instead of writing a broken line", () => {
    const withToJson = { ...event, toJSON: () => "not an object" };
    const withBigInt = { ...event, payload: { n: 10n } };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const withCycle = { ...event, payload: cyclic };
    for (const record of [withToJson, withBigInt, withCycle]) {
      expect(() => encodeRecord("event", record)).toThrow(PersistenceValidationError);
    }
  });

  it("serialises compactly with `kind` first", () => {
    const line = encodeRecord("event", event);
    expect(line.startsWith('{"kind":"event","system_id":"local",')).toBe(true);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({ kind: "event", ...event });
  });

  it("round-trips through decodeLine, unknown fields included", () => {
    const withExtra = { ...event, schema: 2, nested: { a: [1, { b: null }] } };
    const decoded = decodeLine(encodeRecord("event", withExtra));
    expect(decoded).toEqual({
      type: "record",
      kind: "event",
      record: withExtra,
      timestamp: event.timestamp,
    });
  });

  it("stores a matching `kind` field once, first, and refuses a different one", () => {
    const line = encodeRecord("event", { ...event, kind: "event" });
    expect(line.startsWith('{"kind":"event",')).toBe(true);
    expect(line.match(/"kind"/g)).toHaveLength(1);
    // An audit handed to recordEvent would be stored as an event: refused, never changed.
    expect(() => encodeRecord("event", { ...event, kind: "audit" })).toThrow(
      /kind: is "audit", but this call writes kind "event"/,
    );
  });

  it("keeps an own __proto__ key, also when a `kind` field is stripped", () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    for (const extra of [{}, { kind: "event" }]) {
      const record = Object.assign(
        JSON.parse('{"__proto__":{"x":1}}'),
        event,
        { payload: hostile },
        extra,
      );
      const line = encodeRecord("event", record);
      expect(line).toContain('"__proto__":{"x":1}');
      expect(line).toContain('"payload":{"__proto__":{"polluted":1}}');
    }
  });

  it("does not change the record it is given", () => {
    const record = { ...event, kind: "event" };
    const copy = structuredClone(record);
    encodeRecord("event", record);
    expect(record).toEqual(copy);
  });

  it("rejects invalid records with PersistenceValidationError naming each field", () => {
    const cases: [RecordKind, Record<string, unknown>, string][] = [
      ["event", { ...event, timestamp: Number.NaN }, "timestamp"],
      ["event", { ...event, timestamp: Number.POSITIVE_INFINITY }, "timestamp"],
      ["event", { ...event, payload: [] }, "payload"],
      ["event", { ...event, actor_address: { system: "s" } }, "actor_address"],
      ["audit", { system_id: "s", timestamp: 1 }, "total_actors"],
      [
        "dead_letter",
        { system_id: "s", target: 5, message_type: "M", payload: 1, timestamp: 1 },
        "target",
      ],
    ];
    for (const [kind, record, path] of cases) {
      let error: unknown;
      try {
        encodeRecord(kind, record as never);
      } catch (e) {
        error = e;
      }
      expect(error, `${kind} ${path}`).toBeInstanceOf(PersistenceValidationError);
      const issues = (error as PersistenceValidationError).issues.map((i) => i.path);
      expect(issues, `${kind} ${path}`).toContain(path);
      expect((error as Error).message).toMatch(new RegExp(`Invalid ${kind} record:`));
    }
  });
});

describe("lineBytes", () => {
  it("counts UTF-8 bytes plus the newline", () => {
    expect(lineBytes("")).toBe(1);
    expect(lineBytes("abc")).toBe(4);
    expect(lineBytes("é")).toBe(3);
    expect(lineBytes("✓")).toBe(4);
    expect(lineBytes("🚀")).toBe(5);
    expect(lineBytes(encodeRecord("event", event))).toBe(
      Buffer.byteLength(encodeRecord("event", event)) + 1,
    );
  });
});
