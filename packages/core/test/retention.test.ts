import { seededRandom } from "@papyra/test-support";
import { describe, expect, it } from "vitest";
import {
  applyRetention,
  hasRetentionRules,
  PersistenceValidationError,
  parseRetentionPolicy,
  RECORD_KINDS,
  type RetentionItem,
  RetentionPlanner,
  type RetentionPolicy,
  TailRetention,
} from "../src/index.js";

const NOW = 1_763_769_600;

interface Item extends RetentionItem {
  id: number;
}

function item(id: number, kind: string, age: number | null, bytes = 10): Item {
  return { id, kind, timestamp: age === null ? null : NOW - age, bytes };
}

function ids(items: readonly Item[]): number[] {
  return items.map((i) => i.id);
}

/** Two-pass forward retention, as a file backend streams it. */
function planned(items: readonly Item[], policy: RetentionPolicy, now = NOW): Item[] {
  const planner = new RetentionPlanner(policy, now);
  for (const i of items) planner.observe(i);
  return items.filter((i) => planner.keep(i));
}

/** One-pass backward retention, as a tail reader answers it. */
function tailed(items: readonly Item[], policy: RetentionPolicy, now = NOW): Item[] {
  const tail = new TailRetention(policy, now);
  const kept: Item[] = [];
  for (let i = items.length - 1; i >= 0; i--)
    if (tail.admit(items[i] as Item)) kept.push(items[i] as Item);
  return kept.reverse();
}

describe("retention rules", () => {
  it("keeps everything without rules, as a copy", () => {
    const items = [item(1, "event", 5), item(2, "audit", null)];
    const kept = applyRetention(items, undefined, NOW);
    expect(kept).toEqual(items);
    expect(kept).not.toBe(items);
    expect(applyRetention(items, {}, NOW)).toEqual(items);
  });

  it("maxRecords keeps the newest N of each kind on its own", () => {
    const items = [1, 2, 3, 4, 5].flatMap((n) => [item(n, "event", 0), item(n + 10, "audit", 0)]);
    items.push(item(99, "dead_letter", 0));
    expect(ids(applyRetention(items, { maxRecords: 2 }, NOW))).toEqual([4, 14, 5, 15, 99]);
    expect(applyRetention(items, { maxRecords: 0 }, NOW)).toEqual([]);
  });

  it("maxAgeSeconds drops old records and records without a numeric timestamp", () => {
    const items = [
      item(1, "event", 100),
      item(2, "event", 5),
      item(3, "event", null),
      item(4, "event", 10),
    ];
    items.push({ id: 5, kind: "event", timestamp: "1763769600", bytes: 1 });
    expect(ids(applyRetention(items, { maxAgeSeconds: 10 }, NOW))).toEqual([2, 4]);
    // Without an age rule a missing timestamp is no reason to drop.
    expect(ids(applyRetention(items, { maxRecords: 10 }, NOW))).toEqual([1, 2, 3, 4, 5]);
  });

  it("maxTotalBytes keeps the newest records that fit; an oversized record stops older ones", () => {
    const items = [
      item(1, "event", 0, 30),
      item(2, "event", 0, 30),
      item(3, "event", 0, 50),
      item(4, "event", 0, 20),
    ];
    expect(ids(applyRetention(items, { maxTotalBytes: 70 }, NOW))).toEqual([3, 4]);
    expect(ids(applyRetention(items, { maxTotalBytes: 69 }, NOW))).toEqual([4]);
    expect(ids(applyRetention(items, { maxTotalBytes: 19 }, NOW))).toEqual([]);
    expect(ids(applyRetention(items, { maxTotalBytes: 130 }, NOW))).toEqual([1, 2, 3, 4]);
  });

  it("applies age, then count, then bytes", () => {
    const items = [
      item(1, "event", 1, 10),
      item(2, "event", 1, 10),
      item(3, "event", 1, 100),
      item(4, "event", 999, 10), // too old: does not use up the count
      item(5, "event", 1, 10),
    ];
    expect(ids(applyRetention(items, { maxAgeSeconds: 60, maxRecords: 3 }, NOW))).toEqual([
      2, 3, 5,
    ]);
    const rules = (maxTotalBytes: number) => ({ maxAgeSeconds: 60, maxRecords: 3, maxTotalBytes });
    expect(ids(applyRetention(items, rules(120), NOW))).toEqual([2, 3, 5]);
    expect(ids(applyRetention(items, rules(119), NOW))).toEqual([3, 5]);
    expect(ids(applyRetention(items, rules(109), NOW))).toEqual([5]);
  });

  it("always keeps records of kinds this version does not know", () => {
    const items = [item(1, "future", null, 1000), item(2, "event", 0), item(3, "event", 0)];
    expect(
      ids(applyRetention(items, { maxRecords: 1, maxAgeSeconds: 1, maxTotalBytes: 10 }, NOW)),
    ).toEqual([1, 3]);
    expect(ids(planned(items, { maxRecords: 0 }))).toEqual([1]);
    expect(ids(tailed(items, { maxRecords: 0 }))).toEqual([1]);
  });

  it("keeps a record the planner never observed rather than lose it", () => {
    const planner = new RetentionPlanner({ maxRecords: 1 }, NOW);
    expect(planner.keep(item(1, "event", 0))).toBe(true);
  });

  it("TailRetention reports when every known kind's budget is spent", () => {
    const tail = new TailRetention({ maxRecords: 1 }, NOW);
    for (const kind of RECORD_KINDS) {
      expect(tail.admit(item(1, kind, 0))).toBe(true);
      expect(tail.exhausted(RECORD_KINDS)).toBe(false);
      expect(tail.admit(item(2, kind, 0))).toBe(false);
    }
    expect(tail.exhausted(RECORD_KINDS)).toBe(true);
    expect(tail.exhausted(["event"])).toBe(true);
  });
});

describe("RetentionPlanner, TailRetention and applyRetention agree (seeded random property)", () => {
  const kinds = ["event", "audit", "dead_letter", "future_kind"];
  it("on 500 random stores and policies", () => {
    const random = seededRandom(20251122);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    for (let run = 0; run < 500; run++) {
      const size = Math.floor(random() * 60);
      const items: Item[] = [];
      for (let id = 0; id < size; id++) {
        const roll = random();
        const timestamp = roll < 0.05 ? null : roll < 0.08 ? "x" : NOW - Math.floor(random() * 200);
        items.push({ id, kind: pick(kinds), timestamp, bytes: 1 + Math.floor(random() * 300) });
      }
      const policy: RetentionPolicy = {};
      if (random() < 0.6) policy.maxRecords = Math.floor(random() * 20);
      if (random() < 0.5) policy.maxAgeSeconds = 1 + Math.floor(random() * 200);
      if (random() < 0.5) policy.maxTotalBytes = Math.floor(random() * 3000);
      const expected = ids(applyRetention(items, policy, NOW));
      const context = `run ${run}: ${JSON.stringify(policy)}`;
      expect(ids(planned(items, policy)), context).toEqual(expected);
      expect(ids(tailed(items, policy)), context).toEqual(expected);
      // The result obeys every rule for every known kind, and unknown kinds are all kept.
      const kept = applyRetention(items, policy, NOW);
      for (const kind of RECORD_KINDS) {
        const ofKind = kept.filter((i) => i.kind === kind);
        if (policy.maxRecords !== undefined)
          expect(ofKind.length, context).toBeLessThanOrEqual(policy.maxRecords);
        if (policy.maxTotalBytes !== undefined) {
          expect(
            ofKind.reduce((s, i) => s + i.bytes, 0),
            context,
          ).toBeLessThanOrEqual(policy.maxTotalBytes);
        }
        if (policy.maxAgeSeconds !== undefined) {
          for (const i of ofKind)
            expect(
              typeof i.timestamp === "number" && i.timestamp >= NOW - policy.maxAgeSeconds,
            ).toBe(true);
        }
      }
      expect(kept.filter((i) => i.kind === "future_kind").length).toBe(
        items.filter((i) => i.kind === "future_kind").length,
      );
    }
  });
});

describe("parseRetentionPolicy", () => {
  it("accepts valid policies and treats undefined as none", () => {
    expect(parseRetentionPolicy(undefined)).toEqual({});
    expect(
      parseRetentionPolicy({ maxRecords: 0, maxAgeSeconds: 0.5, maxTotalBytes: 1024 }),
    ).toEqual({
      maxRecords: 0,
      maxAgeSeconds: 0.5,
      maxTotalBytes: 1024,
    });
  });

  it("rejects typos, negatives, fractions and zero ages with PersistenceValidationError", () => {
    for (const bad of [
      { maxRecord: 5 },
      { maxRecords: -1 },
      { maxRecords: 1.5 },
      { maxAgeSeconds: 0 },
      { maxAgeSeconds: Number.POSITIVE_INFINITY },
      { maxTotalBytes: "1kb" },
      "nope",
    ]) {
      expect(() => parseRetentionPolicy(bad), JSON.stringify(bad)).toThrow(
        PersistenceValidationError,
      );
    }
    expect(() => parseRetentionPolicy({ maxRecord: 5 })).toThrow(/maxRecord/);
  });

  it("hasRetentionRules tells whether any rule is set", () => {
    expect(hasRetentionRules(undefined)).toBe(false);
    expect(hasRetentionRules({})).toBe(false);
    expect(hasRetentionRules({ maxRecords: 0 })).toBe(true);
    expect(hasRetentionRules({ maxAgeSeconds: 1 })).toBe(true);
    expect(hasRetentionRules({ maxTotalBytes: 1 })).toBe(true);
  });
});
