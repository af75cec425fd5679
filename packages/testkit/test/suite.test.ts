import assert from "node:assert/strict";
import { describe, expect, it } from "vitest";
import {
  CONFORMANCE_GROUPS,
  type ConformanceGroup,
  type ConformanceSubject,
  runConformanceSuite,
} from "../src/index.js";
import { createMiniRunner, type TestOutcome } from "./mini-runner.js";
import { type Defect, ReferenceBackend, type ReferenceStore } from "./reference-backend.js";

function referenceSubject(defect?: Defect, withReopen = true): ConformanceSubject {
  let store: ReferenceStore = { lines: [] };
  return {
    name: defect ?? "reference",
    create: async ({ retention }) => {
      store = { lines: [] };
      return new ReferenceBackend(store, retention, defect);
    },
    ...(withReopen
      ? { reopen: async ({ retention }) => new ReferenceBackend(store, retention, defect) }
      : {}),
  };
}

async function runSuite(
  subject: ConformanceSubject,
  groups?: ConformanceGroup[],
): Promise<TestOutcome[]> {
  const { runner, run } = createMiniRunner();
  runConformanceSuite(runner, subject, groups ? { groups } : {});
  return run();
}

function failures(outcomes: TestOutcome[]): string[] {
  return outcomes.filter((o) => o.status === "failed").map((o) => `${o.name}: ${String(o.error)}`);
}

describe("runConformanceSuite", () => {
  it("passes a correct backend in every group, reopen tests included", async () => {
    const outcomes = await runSuite(referenceSubject());
    expect(failures(outcomes)).toEqual([]);
    expect(outcomes.filter((o) => o.status === "skipped")).toEqual([]);
    for (const group of CONFORMANCE_GROUPS) {
      expect(
        outcomes.some((o) => o.name.includes(` > ${group} > `)),
        group,
      ).toBe(true);
    }
  }, 60_000);

  it("registers reopen tests as skipped when the subject cannot reopen", async () => {
    const outcomes = await runSuite(referenceSubject(undefined, false));
    expect(failures(outcomes)).toEqual([]);
    const skipped = outcomes.filter((o) => o.status === "skipped");
    expect(skipped.length).toBeGreaterThan(0);
    for (const s of skipped) expect(s.name).toContain("no reopen()");
  }, 60_000);

  it("skips the tests of a capability the backend lacks, at run time", async () => {
    const subject: ConformanceSubject = {
      name: "no-extras",
      create: async ({ retention }) => {
        const full = new ReferenceBackend({ lines: [] }, retention);
        return {
          recordEvent: (r) => full.recordEvent(r),
          recordAudit: (r) => full.recordAudit(r),
          recordDeadLetter: (r) => full.recordDeadLetter(r),
          listEvents: (q) => full.listEvents(q),
          listAudits: (q) => full.listAudits(q),
          listDeadLetters: (q) => full.listDeadLetters(q),
          close: () => full.close(),
          [Symbol.asyncDispose]: () => full.close(),
        };
      },
    };
    const outcomes = await runSuite(subject, [
      "scan",
      "recovery",
      "compaction",
      "metrics",
      "listing",
    ]);
    expect(failures(outcomes)).toEqual([]);
    for (const o of outcomes) {
      if (o.name.includes(" > listing > ")) expect(o.status, o.name).toBe("passed");
      else expect(o.status, o.name).toBe("skipped");
    }
  }, 60_000);

  it("runs only the groups asked for", async () => {
    const outcomes = await runSuite(referenceSubject(), ["close"]);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const o of outcomes) expect(o.name).toContain(" > close > ");
  });

  it("rejects an unknown group name, listing the known ones", () => {
    const { runner } = createMiniRunner();
    assert.throws(
      () =>
        runConformanceSuite(runner, referenceSubject(), { groups: ["nope" as ConformanceGroup] }),
      /Unknown conformance group\(s\): nope\. Known groups: round-trip, read-back, listing/,
    );
  });

  const caught: [Defect, ConformanceGroup, RegExp][] = [
    ["drops-unknown-fields", "round-trip", /round-trips unicode/],
    ["limit-keeps-oldest", "listing", /limit keeps the newest N/],
    ["accepts-negative-limit", "listing", /invalid list queries/],
    ["ignores-retention", "retention", /maxRecords keeps the newest N/],
    ["kinds-share-retention", "retention", /kinds never evict each other/],
    ["close-drops-pending", "close", /pending at close\(\) are kept/],
    ["writes-after-close", "close", /after close\(\) rejects/],
    ["counts-failed-writes-as-written", "metrics", /rejected write counts in write_errors only/],
    ["counts-list-calls", "metrics", /records_read/],
    ["prototype-unsafe-copy", "prototype-safety", /harmless own keys/],
    ["loses-concurrent-writes", "concurrency", /concurrent writes are all stored/],
    ["compaction-drops-everything", "compaction", /keeps every record/],
    ["compaction-ignores-dry-run", "compaction", /a dry run reports what compaction would remove/],
    ["stores-what-json-changes", "read-back", /refused with PersistenceValidationError naming/],
    ["stores-what-json-changes", "read-back", /refused, or read back deep-equal/],
  ];
  for (const [defect, group, test] of caught) {
    it(`fails a backend that ${defect.replaceAll("-", " ")}`, async () => {
      const failed = failures(await runSuite(referenceSubject(defect), [group]));
      expect(
        failed.some((f) => test.test(f)),
        `no failure matching ${test} in:\n${failed.join("\n")}`,
      ).toBe(true);
    }, 60_000);
  }
});
