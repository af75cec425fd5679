import { encodeRecord } from "@papyra/core";
import { describe, expect, it } from "vitest";
import { toJsonSafe } from "../src/index.js";

describe("toJsonSafe", () => {
  it("turns any event into a payload Papyra's strict write accepts and reads back", () => {
    const cyclic: Record<string, unknown> = {
      type: "PAY",
      amount: 12n,
      ratio: Number.NaN,
      when: new Date(Date.UTC(2026, 0, 2)),
      failure: new TypeError("card expired"),
      tags: new Set(["a", "b"]),
      lookup: new Map([["k", 1]]),
      skip: undefined,
      run: () => {},
      list: [1, undefined, () => {}],
    };
    cyclic.loop = cyclic;
    const safe = toJsonSafe(cyclic);
    expect(safe).toEqual({
      type: "PAY",
      amount: "12",
      ratio: null,
      when: "2026-01-02T00:00:00.000Z",
      failure: { name: "TypeError", message: "card expired" },
      tags: ["a", "b"],
      lookup: { k: 1 },
      list: [1, null, null],
      loop: "[Circular]",
    });
    const line = encodeRecord("dead_letter", {
      system_id: "shop",
      target: null,
      message_type: "PAY",
      payload: safe,
      timestamp: 1,
    });
    expect(JSON.parse(line).payload).toEqual(safe);
  });

  it("keeps __proto__ as a plain key and never changes a prototype", () => {
    const hostile = JSON.parse('{"type":"X","__proto__":{"polluted":true}}') as object;
    const safe = toJsonSafe(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
    expect(Object.hasOwn(safe, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("bounds depth, width and string length", () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(toJsonSafe(deep))).toContain("[Truncated]");
    const wide = toJsonSafe(Array.from({ length: 500 }, (_, i) => i)) as unknown[];
    expect(wide).toHaveLength(201);
    expect((toJsonSafe("x".repeat(10_000)) as string).length).toBeLessThan(4200);
  });
});
