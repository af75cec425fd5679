import assert from "node:assert/strict";
import {
  type ActorEvent,
  type CompactionReport,
  type CompactOptions,
  ErrorCode,
  nowSeconds,
  type PersistenceBackend,
  type RetentionPolicy,
} from "@papyra/core";
import type { SuiteHarness } from "../harness.js";
import { KINDS, list, makeRecord, recordBytes, seqs, write } from "../records.js";
import { snapshotStore } from "./scan.js";

/** Asserts the report's figures are whole, non-negative and consistent with each other. */
export function assertConsistentReport(report: CompactionReport): void {
  for (const key of ["before_records", "after_records", "removed_records"] as const) {
    assert.ok(Number.isInteger(report[key]) && report[key] >= 0, `${key} = ${report[key]}`);
  }
  assert.equal(
    report.removed_records,
    report.before_records - report.after_records,
    "removed = before - after",
  );
  for (const key of ["before_bytes", "after_bytes", "reclaimed_bytes"] as const) {
    const value = report[key];
    assert.ok(value === null || (Number.isInteger(value) && value >= 0), `${key} = ${value}`);
  }
  if (report.before_bytes !== null && report.after_bytes !== null) {
    assert.ok(report.after_bytes <= report.before_bytes, "compaction grew the store");
    if (report.reclaimed_bytes !== null) {
      assert.equal(
        report.reclaimed_bytes,
        report.before_bytes - report.after_bytes,
        "reclaimed = before - after bytes",
      );
    }
  }
}

async function compact(backend: PersistenceBackend): Promise<CompactionReport> {
  const report = (await backend.compact?.()) as CompactionReport;
  assertConsistentReport(report);
  return report;
}

/** compact(): removes exactly what retention excludes; the report's figures add up. */
export function compactionGroup(h: SuiteHarness): void {
  const needs = { requires: "compact" } as const;

  h.test(
    "compacting an empty store reports zeros",
    async (t) => {
      const backend = await t.open();
      const report = await compact(backend);
      assert.equal(report.before_records, 0);
      assert.equal(report.after_records, 0);
      assert.equal(report.removed_records, 0);
    },
    needs,
  );

  h.test(
    "compaction without retention keeps every record",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 5; n++)
        for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
      const before = await snapshotStore(backend);
      const report = await compact(backend);
      assert.equal(report.before_records, 5 * KINDS.length);
      assert.equal(report.after_records, 5 * KINDS.length);
      assert.equal(report.removed_records, 0);
      if (report.reclaimed_bytes !== null) assert.equal(report.reclaimed_bytes, 0);
      if (report.after_bytes !== null) {
        let bytes = 0;
        for (const kind of KINDS)
          for (let n = 1; n <= 5; n++) bytes += recordBytes(kind, makeRecord(kind, n));
        assert.ok(report.after_bytes >= bytes, "after_bytes smaller than the stored lines");
      }
      assert.deepEqual(await snapshotStore(backend), before);
    },
    needs,
  );

  h.test(
    "compaction keeps exactly what retention keeps, per kind",
    async (t) => {
      const now = nowSeconds();
      const policy: RetentionPolicy = { maxRecords: 3, maxAgeSeconds: 3600 };
      const backend = await t.open(policy);
      for (let n = 1; n <= 8; n++) {
        for (const kind of KINDS) {
          const timestamp = n === 7 ? now - 7200 : now - 100 + n;
          await write(backend, kind, makeRecord(kind, n, { timestamp }));
        }
      }
      const before = await snapshotStore(backend);
      for (const kind of KINDS) assert.deepEqual(seqs(before[kind]), [5, 6, 8], kind);
      const report = await compact(backend);
      assert.equal(report.after_records, 3 * KINDS.length, "after_records = what retention keeps");
      assert.deepEqual(await snapshotStore(backend), before, "compaction changed what is listed");
      const again = await compact(backend);
      assert.equal(again.removed_records, 0, "a second compaction removes nothing");
      assert.equal(again.before_records, 3 * KINDS.length);
    },
    needs,
  );

  h.test(
    "compaction agrees with reads under every retention rule, bytes included",
    async (t) => {
      const now = nowSeconds();
      const records = (kind: (typeof KINDS)[number]) =>
        [5, 300, 40, 5, 120, 5, 60].map((pad, i) =>
          makeRecord(kind, i + 1, {
            timestamp: i === 3 ? now - 9000 : now - 100 + i,
            pad: "✓".repeat(pad),
          }),
        );
      const sample = records("event") as ActorEvent[];
      const budget = sample.slice(-3).reduce((sum, r) => sum + recordBytes("event", r), 0);
      const policies: RetentionPolicy[] = [
        { maxTotalBytes: budget },
        { maxTotalBytes: budget - 1, maxRecords: 5 },
        { maxAgeSeconds: 3600, maxTotalBytes: budget * 2 },
        { maxAgeSeconds: 3600, maxRecords: 4 },
      ];
      for (const policy of policies) {
        const backend = await t.open(policy);
        for (const kind of KINDS)
          for (const record of records(kind)) await write(backend, kind, record);
        const listed = await snapshotStore(backend);
        const report = await compact(backend);
        const kept = KINDS.reduce((sum, kind) => sum + (listed[kind]?.length ?? 0), 0);
        assert.equal(report.after_records, kept, `after_records ${JSON.stringify(policy)}`);
        assert.deepEqual(await snapshotStore(backend), listed, `listing ${JSON.stringify(policy)}`);
        await backend.close();
      }
    },
    needs,
  );

  h.testWithReopen(
    "compaction physically removes what retention excludes, and nothing else",
    async (t) => {
      const first = await t.open();
      const now = nowSeconds();
      for (let n = 1; n <= 10; n++) {
        await first.recordEvent(
          makeRecord("event", n, { timestamp: n === 9 ? now - 7200 : now - 100 + n }),
        );
      }
      for (let n = 1; n <= 2; n++)
        await first.recordAudit(makeRecord("audit", n, { timestamp: now - 50 + n }));
      const policy: RetentionPolicy = { maxRecords: 4, maxAgeSeconds: 3600 };
      const second = await t.reopen(first, policy);
      const listed = await snapshotStore(second);
      assert.deepEqual(seqs(listed.event), [6, 7, 8, 10]);
      const report = await compact(second);
      assert.equal(report.before_records, 12);
      assert.equal(report.after_records, 6);
      assert.equal(report.removed_records, 6);
      if (report.reclaimed_bytes !== null) assert.ok(report.reclaimed_bytes > 0, "reclaimed_bytes");
      assert.deepEqual(await snapshotStore(second), listed, "compaction changed what is listed");
      // Without retention, only what compaction kept is left: it was physically removed.
      const third = await t.reopen(second);
      assert.deepEqual(await snapshotStore(third), listed);
      assert.equal((await list(third, "audit")).length, 2, "audits untouched");
    },
    needs,
  );

  h.test(
    "a dry run reports what compaction would remove, and removes nothing",
    async (t) => {
      const now = nowSeconds();
      const policy: RetentionPolicy = { maxRecords: 3, maxAgeSeconds: 3600 };
      const backend = await t.open(policy);
      for (let n = 1; n <= 8; n++) {
        for (const kind of KINDS) {
          const timestamp = n === 7 ? now - 7200 : now - 100 + n;
          await write(backend, kind, makeRecord(kind, n, { timestamp }));
        }
      }
      const listed = await snapshotStore(backend);
      const compactFn = backend.compact as NonNullable<typeof backend.compact>;
      const dry = await compactFn.call(backend, { dryRun: true });
      assertConsistentReport(dry);
      if (dry.dry_run !== undefined) assert.equal(dry.dry_run, true, "dry_run of a dry run");
      assert.deepEqual(await snapshotStore(backend), listed, "a dry run changed what is listed");
      // Had the dry run removed anything, the real compaction would now find less to remove.
      const real = await compact(backend);
      const figures = (r: CompactionReport) => ({ ...r, dry_run: undefined });
      assert.deepEqual(
        figures(dry),
        figures(real),
        "the dry run's figures differ from the real run's",
      );
      assert.deepEqual(await snapshotStore(backend), listed);
    },
    needs,
  );

  h.test(
    "compaction options that are not booleans are rejected before anything is touched",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      const bad = { dryRun: "yes" } as unknown as CompactOptions;
      await assert.rejects(
        async () => (backend.compact as NonNullable<typeof backend.compact>).call(backend, bad),
        (error: unknown) => {
          const code = (error as { code?: unknown }).code;
          assert.ok(
            code === ErrorCode.validation || code === ErrorCode.configuration,
            `wanted a validation error, got ${String(error)}`,
          );
          return true;
        },
      );
      assert.equal((await backend.listEvents()).length, 1);
    },
    needs,
  );

  h.test(
    "writes and reads work after compaction",
    async (t) => {
      const backend = await t.open({ maxRecords: 2 });
      for (let n = 1; n <= 4; n++) await backend.recordEvent(makeRecord("event", n));
      await compact(backend);
      await backend.recordEvent(makeRecord("event", 5));
      assert.deepEqual(seqs(await backend.listEvents()), [4, 5]);
    },
    needs,
  );
}
