import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DecodedLine, decodeLine } from "../src/index.js";
import { parseJsonWithNonFinite } from "../src/non-finite-json.js";

const fixtures = join(import.meta.dirname, "fixtures");
const edgeLines = readFileSync(join(fixtures, "edge-cases.ndjson"), "utf8")
  .split("\n")
  .slice(0, -1);

function record(decoded: DecodedLine): Record<string, unknown> {
  expect(decoded.type).toBe("record");
  return (decoded as { record: Record<string, unknown> }).record;
}

describe("lines the Python implementation writes are records (edge-cases.ndjson)", () => {
  it("has six lines, each a record of the expected kind", () => {
    expect(edgeLines).toHaveLength(6);
    const kinds = edgeLines.map((line) => {
      const decoded = decodeLine(line);
      expect(decoded.type, line).toBe("record");
      return (decoded as { kind: string }).kind;
    });
    expect(kinds).toEqual(["event", "event", "dead_letter", "dead_letter", "audit", "event"]);
  });

  it("reads NaN / Infinity / -Infinity tokens as the JavaScript numbers, and monotonic timestamps", () => {
    const event = record(decodeLine(edgeLines[0] as string));
    expect(event.payload).toStrictEqual({
      load: Number.NaN,
      limit: Number.POSITIVE_INFINITY,
      floor: Number.NEGATIVE_INFINITY,
    });
    expect(event.timestamp).toBe(942.8);
  });

  it("reads integers beyond 2^53 as the nearest double, and Python float reprs", () => {
    const event = record(decodeLine(edgeLines[1] as string));
    expect(event.payload).toStrictEqual({
      big: 18446744073709552000,
      neg_big: -9007199254740992,
      tiny: 1e-7,
      huge: 1e16,
    });
  });

  it("reads a dead letter whose target is a serialised actor reference, or an integer", () => {
    const ref = record(decodeLine(edgeLines[2] as string));
    expect(ref.target).toMatchObject({ _rid: 1, _address: { system: "edge", actor_id: 1 } });
    expect(ref.payload).toStrictEqual({ late: "message ü" });
    expect(record(decodeLine(edgeLines[3] as string)).target).toBe(7);
  });
});

describe("liberal reading", () => {
  const event =
    '"system_id": "s", "actor_address": "s:1", "event_type": "E", "payload": {"x": NaN}, "timestamp": 1.5';

  it("accepts the non-finite tokens anywhere a number can be, kind first or last", () => {
    for (const line of [
      `{"kind": "event", ${event}}`,
      `{${event}, "kind": "event"}`,
      `{"kind":"dead_letter","system_id":"s","target":[-Infinity],"message_type":"M","payload":[NaN,{"a":Infinity}],"timestamp":2}`,
      `{"kind":"audit","system_id":"s","timestamp":3,"total_actors":18446744073709551616,"alive_actors":0,"stopping_actors":0,"restarting_actors":0,"registry_size":0,"registry_orphans":[],"registry_dead":[],"dead_letters_count":1e20,"load":NaN}`,
    ]) {
      expect(decodeLine(line).type, line).toBe("record");
    }
  });

  it("keeps __proto__, constructor and prototype keys as own keys on the fallback path", () => {
    const decoded = decodeLine(
      `{"kind": "dead_letter", "__proto__": {"polluted": NaN}, "system_id": "s", "target": null, "message_type": "M", "payload": {"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": Infinity}}}, "timestamp": 1}`,
    );
    const stored = record(decoded);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.hasOwn(stored, "__proto__")).toBe(true);
    expect(stored.polluted).toBeUndefined();
    const payload = stored.payload as Record<string, unknown>;
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(Object.hasOwn(payload, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("still calls lines no writer writes invalid or corrupt", () => {
    const invalid = [
      `{"kind": "event", "system_id": 5, "actor_address": "s:1", "event_type": "E", "payload": {}, "timestamp": 1}`,
      `{"kind": "event", "system_id": "s", "actor_address": "s:1", "event_type": "E", "payload": [], "timestamp": 1}`,
      `{"kind": "event", "system_id": "s", "event_type": "E", "payload": {}, "timestamp": 1}`,
      `{"kind": "event", "system_id": "s", "actor_address": "s:1", "event_type": "E", "payload": {}, "timestamp": NaN}`,
      `{"kind": "event", "system_id": "s", "actor_address": "s:1", "event_type": "E", "payload": {}, "timestamp": -Infinity}`,
      `{"kind": "dead_letter", "system_id": "s", "message_type": "M", "payload": 1, "timestamp": 1}`,
      `{"kind": "audit", "system_id": "s", "timestamp": 1, "total_actors": 1.5, "alive_actors": 0, "stopping_actors": 0, "restarting_actors": 0, "registry_size": 0, "registry_orphans": [], "registry_dead": [], "dead_letters_count": 0}`,
      `{"kind": "audit", "system_id": "s", "timestamp": 1, "total_actors": NaN, "alive_actors": 0, "stopping_actors": 0, "restarting_actors": 0, "registry_size": 0, "registry_orphans": [], "registry_dead": [], "dead_letters_count": 0}`,
      `{"system_id": "s", "timestamp": NaN}`,
    ];
    for (const line of invalid) expect(decodeLine(line).type, line).toBe("invalid");
    const corrupt = [
      `{"kind": "event", "x": NaNa, "timestamp": 1}`,
      `{"kind": "event", NaN: 1, "timestamp": 1}`,
      `{"kind": "event", "x": nan, "timestamp": 1}`,
      `{"kind": "event", "x": +Infinity, "timestamp": 1}`,
      `{"kind": "event", "x": NaN, "timestamp": 1`,
      `{"kind": "event", "x": [NaN,], "timestamp": 1}`,
      `NaN`,
      `Infinity`,
    ];
    for (const line of corrupt) expect(decodeLine(line).type, line).toBe("corrupt");
  });
});

describe("parseJsonWithNonFinite", () => {
  it("parses every JSON text as JSON.parse does (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonWithNonFinite(text)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("rejects what JSON.parse rejects, apart from the three tokens (property)", () => {
    const pieces = fc.constantFrom(
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      '"a"',
      '"\\u00e9"',
      '"\\x"',
      "1",
      "-0",
      "01",
      "1.",
      ".5",
      "1e5",
      "true",
      "nul",
      "null",
      " ",
      "\t",
      "\n",
      "NaN",
      "Infinity",
      "-Infinity",
      "-",
      "+1",
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        let expected: unknown;
        let jsonError = false;
        try {
          // The reference: JSON.parse with the tokens spelt as quoted placeholders.
          expected = JSON.parse(
            text.replace(/-Infinity|Infinity|NaN/g, (token) => `"\\u0000${token}"`),
            (_key, v) =>
              v === "\u0000NaN"
                ? Number.NaN
                : v === "\u0000Infinity"
                  ? Number.POSITIVE_INFINITY
                  : v === "\u0000-Infinity"
                    ? Number.NEGATIVE_INFINITY
                    : v,
          );
        } catch {
          jsonError = true;
        }
        if (jsonError) expect(() => parseJsonWithNonFinite(text), text).toThrow(SyntaxError);
        else expect(parseJsonWithNonFinite(text), text).toStrictEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads -0 and -0.0 as -0 and big integers as the nearest double", () => {
    expect(Object.is((parseJsonWithNonFinite("[-0, NaN]") as number[])[0], -0)).toBe(true);
    expect(parseJsonWithNonFinite("[-0.0, 18446744073709551617, NaN]")).toStrictEqual([
      -0,
      2 ** 64,
      Number.NaN,
    ]);
  });
});
