import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecoveryConfig, RecoveryReport } from "@papyra/core";
import { ErrorCode, nowSeconds } from "@papyra/core";
import type { SuiteHarness } from "../harness.js";
import { KINDS, makeRecord, write } from "../records.js";
import { assertScanReportShape, snapshotStore } from "./scan.js";

function assertCleanReport(report: RecoveryReport, mode: string): void {
  assert.equal(report.mode, mode, "report.mode");
  assertScanReportShape(report.scan_before, "scan_before");
  assertScanReportShape(report.scan_after, "scan_after");
  assert.deepEqual(report.scan_before.anomalies, [], "scan_before of a clean store");
  assert.deepEqual(report.scan_after.anomalies, [], "scan_after of a clean store");
  assert.deepEqual(report.quarantined_files, [], "nothing to quarantine");
  assert.equal(report.dropped_damaged, 0, "dropped_damaged");
  assert.equal(report.dropped_by_retention, 0, "dropped_by_retention without retention");
  assert.ok(Array.isArray(report.repaired_files), "repaired_files");
}

/** recover(): ignore mode changes nothing; repairing a clean store loses and duplicates nothing. */
export function recoveryGroup(h: SuiteHarness): void {
  const needs = { requires: "recover" } as const;

  h.test(
    "recover in ignore mode reports a clean store and changes nothing",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 4; n++)
        for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
      const before = await snapshotStore(backend);
      const report = (await backend.recover?.({ mode: "ignore" })) as RecoveryReport;
      assertCleanReport(report, "ignore");
      assert.deepEqual(report.repaired_files, [], "ignore mode repairs nothing");
      assert.equal(report.scan_before.records_scanned, 4 * KINDS.length);
      assert.deepEqual(await snapshotStore(backend), before, "ignore mode changed the store");
    },
    needs,
  );

  h.test(
    "recover in repair mode keeps every record of a clean store, in order, once",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 4; n++)
        for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
      const before = await snapshotStore(backend);
      const report = (await backend.recover?.({ mode: "repair" })) as RecoveryReport;
      assertCleanReport(report, "repair");
      assert.deepEqual(await snapshotStore(backend), before, "repair of a clean store changed it");
      await backend.recordEvent(makeRecord("event", 5));
      assert.equal((await backend.listEvents()).length, 5, "writes still work after recovery");
      if (t.canReopen) {
        const again = await t.reopen(backend);
        const after = await snapshotStore(again);
        assert.equal((after.event ?? []).length, 5);
        assert.deepEqual(after.audit, before.audit);
      }
    },
    needs,
  );

  h.test(
    "recover in quarantine mode without quarantineDir is rejected before anything is touched",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      const before = await snapshotStore(backend);
      await assert.rejects(
        () => (backend.recover as NonNullable<typeof backend.recover>)({ mode: "quarantine" }),
        (error: unknown) => {
          const code = (error as { code?: unknown }).code;
          assert.equal(
            code,
            ErrorCode.validation,
            `wanted a validation error (PersistenceValidationError), got ${String(error)}`,
          );
          return true;
        },
      );
      assert.deepEqual(await snapshotStore(backend), before);
    },
    needs,
  );

  h.test(
    "recover in quarantine mode with a directory quarantines nothing from a clean store",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 3; n++)
        for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
      const before = await snapshotStore(backend);
      const quarantineDir = await mkdtemp(join(tmpdir(), "papyra-conformance-quarantine-"));
      try {
        const report = (await backend.recover?.({
          mode: "quarantine",
          quarantineDir,
        })) as RecoveryReport;
        assertCleanReport(report, "quarantine");
        assert.deepEqual(
          await snapshotStore(backend),
          before,
          "quarantine of a clean store changed it",
        );
      } finally {
        await rm(quarantineDir, { recursive: true, force: true });
      }
    },
    needs,
  );

  h.test(
    "repair under retention never loses a record that reads return",
    async (t) => {
      const now = nowSeconds();
      const backend = await t.open({ maxRecords: 3, maxAgeSeconds: 3600 });
      for (let n = 1; n <= 8; n++) {
        for (const kind of KINDS) {
          const timestamp = n === 7 ? now - 7200 : now - 100 + n;
          await write(backend, kind, makeRecord(kind, n, { timestamp }));
        }
      }
      const before = await snapshotStore(backend);
      const report = (await backend.recover?.({ mode: "repair" })) as RecoveryReport;
      assert.equal(report.mode, "repair");
      assert.deepEqual(
        report.scan_before.anomalies,
        [],
        "retention-excluded records are no anomaly",
      );
      assert.deepEqual(report.scan_after.anomalies, []);
      assert.equal(report.dropped_damaged, 0);
      assert.ok(Number.isInteger(report.dropped_by_retention) && report.dropped_by_retention >= 0);
      assert.deepEqual(await snapshotStore(backend), before, "repair changed what reads return");
    },
    needs,
  );

  h.test(
    "recover with dryRun reports on the store and changes nothing",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 3; n++)
        for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
      const before = await snapshotStore(backend);
      for (const mode of ["repair", "ignore"] as const) {
        const report = (await backend.recover?.({ mode, dryRun: true })) as RecoveryReport;
        assertCleanReport(report, mode);
        if (report.dry_run !== undefined) assert.equal(report.dry_run, true, "dry_run");
        assert.equal(report.scan_before.records_scanned, 3 * KINDS.length);
      }
      assert.deepEqual(await snapshotStore(backend), before, "a dry run changed the store");
    },
    needs,
  );

  h.test(
    "recover with force or dryRun that are not booleans is rejected before anything is touched",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      for (const bad of [
        { mode: "repair", force: "yes" },
        { mode: "repair", dryRun: 1 },
      ] as unknown as RecoveryConfig[]) {
        await assert.rejects(
          () => (backend.recover as NonNullable<typeof backend.recover>)(bad),
          (error: unknown) => {
            const code = (error as { code?: unknown }).code;
            assert.ok(
              code === ErrorCode.validation || code === ErrorCode.configuration,
              `wanted a validation error for ${JSON.stringify(bad)}, got ${String(error)}`,
            );
            return true;
          },
        );
      }
      assert.equal((await backend.listEvents()).length, 1);
    },
    needs,
  );

  h.test(
    "recover with an unknown mode is rejected",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      await assert.rejects(
        () =>
          (backend.recover as NonNullable<typeof backend.recover>)({ mode: "fix-it" as "repair" }),
        (error: unknown) => {
          const code = (error as { code?: unknown }).code;
          assert.ok(
            code === ErrorCode.validation || code === ErrorCode.configuration,
            String(error),
          );
          return true;
        },
      );
      assert.equal((await backend.listEvents()).length, 1);
    },
    needs,
  );
}
