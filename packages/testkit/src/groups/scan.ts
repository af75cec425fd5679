import assert from "node:assert/strict";
import type { PersistenceBackend, ScanReport } from "@papyra/core";
import type { SuiteHarness } from "../harness.js";
import { KINDS, list, makeRecord, write } from "../records.js";

/** Asserts the shape every scan report has. */
export function assertScanReportShape(report: ScanReport, where: string): void {
  assert.equal(typeof report.location, "string", `${where}: location`);
  assert.ok(report.location.length > 0, `${where}: empty location`);
  assert.ok(Array.isArray(report.anomalies), `${where}: anomalies`);
  assert.ok(
    Number.isInteger(report.records_scanned) && report.records_scanned >= 0,
    `${where}: records_scanned`,
  );
  assert.ok(
    report.bytes_scanned === null ||
      (Number.isInteger(report.bytes_scanned) && report.bytes_scanned >= 0),
    `${where}: bytes_scanned`,
  );
  assert.equal(typeof report.incremental, "boolean", `${where}: incremental`);
  assert.equal(typeof report.sampled, "boolean", `${where}: sampled`);
}

/** Everything a backend lists, by kind, to compare before and after an operation. */
export async function snapshotStore(
  backend: PersistenceBackend,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const kind of KINDS) out[kind] = await list(backend, kind);
  return out;
}

/** scan(): a clean store has no anomalies, and scanning never changes what is stored. */
export function scanGroup(h: SuiteHarness): void {
  const needs = { requires: "scan" } as const;

  h.test(
    "scan of an empty store finds nothing",
    async (t) => {
      const backend = await t.open();
      const report = (await backend.scan?.()) as ScanReport;
      assertScanReportShape(report, "empty store");
      assert.deepEqual(report.anomalies, []);
      assert.equal(report.records_scanned, 0);
    },
    needs,
  );

  h.test(
    "a full scan of a clean store finds nothing, counts every record and changes nothing",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 5; n++)
        for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
      const before = await snapshotStore(backend);
      const report = (await backend.scan?.()) as ScanReport;
      assertScanReportShape(report, "clean store");
      assert.deepEqual(report.anomalies, [], "anomalies in a clean store");
      assert.equal(report.records_scanned, 5 * KINDS.length, "records_scanned");
      assert.equal(report.incremental, false, "a scan without options is full");
      assert.equal(report.sampled, false, "a scan without sampleSize is not sampled");
      if (report.bytes_scanned !== null)
        assert.ok(report.bytes_scanned > 0, "bytes_scanned of a non-empty store");
      assert.deepEqual(await snapshotStore(backend), before, "scan changed the store");
      await backend.recordEvent(makeRecord("event", 6));
      assert.equal((await backend.listEvents()).length, 6, "writes still work after a scan");
    },
    needs,
  );

  h.test(
    "an incremental scan of a clean store finds nothing",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 3; n++) await backend.recordEvent(makeRecord("event", n));
      const full = (await backend.scan?.({ incremental: false })) as ScanReport;
      assert.deepEqual(full.anomalies, []);
      await backend.recordAudit(makeRecord("audit", 4));
      const incremental = (await backend.scan?.({ incremental: true })) as ScanReport;
      assertScanReportShape(incremental, "incremental");
      assert.deepEqual(incremental.anomalies, []);
    },
    needs,
  );

  h.test(
    "scan with an already aborted signal rejects with the signal's reason",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      const controller = new AbortController();
      const reason = new Error("conformance abort");
      controller.abort(reason);
      await assert.rejects(
        () =>
          (backend.scan as NonNullable<PersistenceBackend["scan"]>)({ signal: controller.signal }),
        (error) => error === reason,
      );
      assert.equal((await backend.listEvents()).length, 1);
    },
    needs,
  );

  h.test(
    "records excluded by retention are no anomaly",
    async (t) => {
      const backend = await t.open({ maxRecords: 2, maxAgeSeconds: 3600 });
      const now = Date.now() / 1000;
      for (let n = 1; n <= 6; n++) {
        for (const kind of KINDS) {
          await write(
            backend,
            kind,
            makeRecord(kind, n, { timestamp: n === 5 ? now - 7200 : now - 10 + n }),
          );
        }
      }
      const report = (await backend.scan?.()) as ScanReport;
      assertScanReportShape(report, "store with retention");
      assert.deepEqual(report.anomalies, []);
    },
    needs,
  );

  h.testWithReopen(
    "scan of a reopened clean store finds nothing",
    async (t) => {
      const backend = await t.open();
      for (let n = 1; n <= 3; n++)
        for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
      const again = await t.reopen(backend);
      const report = (await again.scan?.()) as ScanReport;
      assertScanReportShape(report, "reopened");
      assert.deepEqual(report.anomalies, []);
      assert.equal(report.records_scanned, 3 * KINDS.length);
    },
    needs,
  );
}
