import { seededRandom } from "@papyra/test-support";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { readGuards, writeGuards } from "../src/record-guards.js";
import { RECORD_KINDS, type RecordKind, recordSchemas } from "../src/records.js";
import { storedRecordSchemas } from "../src/stored-records.js";

const valid: Record<RecordKind, Record<string, unknown>> = {
  event: {
    system_id: "local",
    actor_address: { system: "local", actor_id: 1 },
    event_type: "ActorStarted",
    payload: { reason: "r0" },
    timestamp: 1763769600.5,
  },
  audit: {
    system_id: "local",
    timestamp: 1763769604.75,
    total_actors: 4,
    alive_actors: 3,
    stopping_actors: 1,
    restarting_actors: 0,
    registry_size: 2,
    registry_orphans: ["ghost"],
    registry_dead: [],
    dead_letters_count: 0,
  },
  dead_letter: {
    system_id: "local",
    target: null,
    message_type: "str",
    payload: "hello",
    timestamp: 1763769606.5,
  },
};

const oddValues: unknown[] = [
  null,
  undefined,
  0,
  -1,
  1.5,
  2 ** 60,
  2 ** 64,
  -0,
  2.5e-7,
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  Number.POSITIVE_INFINITY,
  "",
  "local:1",
  true,
  [],
  ["a", 1],
  ["a"],
  {},
  { system: "s" },
  { system: "s", actor_id: "a" },
  { system: 1, actor_id: 2 },
  { system: "s", actor_id: Number.NaN },
  { _rid: 1, _address: { system: "s", actor_id: 1 } },
  [1, "a"],
];

const sets: [
  string,
  Record<RecordKind, (r: Record<string, unknown>) => boolean>,
  Record<RecordKind, z.ZodType>,
][] = [
  ["write", writeGuards, recordSchemas],
  ["read", readGuards, storedRecordSchemas],
];

describe.each(sets)("%s guards", (_name, guards, schemas) => {
  it("accept valid records of every kind", () => {
    for (const kind of RECORD_KINDS) expect(guards[kind](valid[kind])).toBe(true);
  });

  it("never accept what the zod schema rejects (5,000 random mutations)", () => {
    const random = seededRandom(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    let rejectedByBoth = 0;
    let acceptedByBoth = 0;
    for (let i = 0; i < 5000; i++) {
      const kind = pick(RECORD_KINDS);
      const record: Record<string, unknown> = { ...valid[kind] };
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const field = pick(Object.keys(valid[kind]));
        if (random() < 0.2) delete record[field];
        else record[field] = pick(oddValues);
      }
      const guard = guards[kind](record);
      const schema = schemas[kind].safeParse(record).success;
      if (guard) expect(schema, JSON.stringify(record)).toBe(true);
      if (!schema) rejectedByBoth += 1;
      if (guard && schema) acceptedByBoth += 1;
    }
    expect(rejectedByBoth).toBeGreaterThan(1000);
    expect(acceptedByBoth).toBeGreaterThan(100);
  });
});

describe("read guards against write guards", () => {
  it("read everything the write guards accept, and more (targets of any shape, big counts)", () => {
    for (const kind of RECORD_KINDS) expect(readGuards[kind](valid[kind])).toBe(true);
    const pythonTarget = { ...valid.dead_letter, target: { _rid: 1, _address: "s:1" } };
    expect(writeGuards.dead_letter(pythonTarget)).toBe(false);
    expect(readGuards.dead_letter(pythonTarget)).toBe(true);
    const bigCount = { ...valid.audit, total_actors: 2 ** 64 };
    expect(writeGuards.audit(bigCount)).toBe(false);
    expect(readGuards.audit(bigCount)).toBe(true);
  });
});
