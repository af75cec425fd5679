import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { openJsonStore } from "@papyra/backend-json";
import { runStartupCheck } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumentBackend, runTracedStartupCheck } from "../src/index.js";
import { eventLine, makeTempDir, removeDir, tracingHarness, useContextManager } from "./helpers.js";

const NO_OTHER_ANOMALIES = {
  "papyra.scan.anomalies.truncated_line": 0,
  "papyra.scan.anomalies.invalid_record": 0,
  "papyra.scan.anomalies.partial_write": 0,
  "papyra.scan.anomalies.orphaned_rotated_file": 0,
  "papyra.scan.anomalies.unexpected_file": 0,
};

function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0] as ReadableSpan;
}

describe("spans through the real trace SDK, on a damaged JSON store", () => {
  let dir: string;
  let path: string;
  let harness: ReturnType<typeof tracingHarness>;
  let undoContext: () => void;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
    // Five records, the third one overwritten by garbage: one CORRUPTED_LINE among records.
    const lines = [1, 2, 3, 4, 5].map(eventLine);
    lines[2] = '{"kind":"event","system_id":"orders","act#%garbage';
    await writeFile(path, `${lines.join("\n")}\n`);
    harness = tracingHarness();
    undoContext = useContextManager();
  });
  afterEach(async () => {
    undoContext();
    await harness.shutdown();
    await removeDir(dir);
  });

  const open = async (retention = {}) =>
    instrumentBackend(await openJsonStore({ path, retention }), {
      tracerProvider: harness.provider,
    }).backend;

  it("scan: the report's figures, anomalies by type, status unset", async () => {
    await using store = await open();
    const report = await store.scan();
    expect(report.anomalies.map((a) => a.type)).toEqual(["CORRUPTED_LINE"]);
    const span = only(harness.spans(), "papyra.scan");
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      "papyra.backend": "json",
      "papyra.store": path,
      "papyra.scan.records": 4,
      "papyra.scan.bytes": report.bytes_scanned as number,
      "papyra.scan.incremental": false,
      "papyra.scan.sampled": false,
      "papyra.scan.anomalies": 1,
      "papyra.scan.anomalies.corrupted_line": 1,
      ...NO_OTHER_ANOMALIES,
    });
  });

  it("compact on damage: the same PAPYRA_DAMAGED rejection, span in error with code and message only", async () => {
    await using store = await open({ maxRecords: 2 });
    const error = await store.compact().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_DAMAGED" });
    const span = only(harness.spans(), "papyra.compact");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    expect(span.attributes).toMatchObject({
      "error.type": "PAPYRA_DAMAGED",
      "papyra.compaction.dry_run": false,
      "papyra.store": path,
    });
    expect(span.events.map((e) => e.name)).toEqual(["exception"]);
    expect(span.events[0]?.attributes).toEqual({
      "exception.type": "PersistenceDamagedError",
      "exception.message": (error as Error).message,
    });
  });

  it("recover (dry run, then repair) and compact: dropped, repaired, reclaimed, dry run", async () => {
    {
      await using store = await open();
      await store.recover({ mode: "repair", dryRun: true });
      await store.recover({ mode: "repair" });
    }
    await using store = await open({ maxRecords: 2 });
    const compaction = await store.compact();
    const [dry, real] = harness.spans().filter((span) => span.name === "papyra.recover");
    expect(dry?.attributes).toMatchObject({
      "papyra.recovery.mode": "repair",
      "papyra.recovery.dry_run": true,
      "papyra.recovery.dropped_damaged": 1,
    });
    expect(real?.attributes).toMatchObject({
      "papyra.recovery.mode": "repair",
      "papyra.recovery.dry_run": false,
      "papyra.recovery.dropped_damaged": 1,
      "papyra.recovery.dropped_by_retention": 0,
      "papyra.recovery.repaired_files": 1,
      "papyra.recovery.quarantined_files": 0,
      "papyra.recovery.remaining_anomalies": 0,
      "papyra.scan.anomalies.corrupted_line": 1,
    });
    const compact = only(harness.spans(), "papyra.compact");
    expect(compaction.removed_records).toBe(2);
    expect(compact.status.code).toBe(SpanStatusCode.UNSET);
    expect(compact.attributes).toMatchObject({
      "papyra.compaction.dry_run": false,
      "papyra.compaction.records_before": 4,
      "papyra.compaction.records_after": 2,
      "papyra.compaction.records_removed": 2,
      "papyra.compaction.bytes_before": compaction.before_bytes as number,
      "papyra.compaction.bytes_reclaimed": compaction.reclaimed_bytes as number,
    });
  });

  it("a refused startup check: an error span with the reason and the scan, the scan span its child", async () => {
    await using store = await open();
    const error = await runTracedStartupCheck(store, { mode: "fail_on_anomaly" }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "PAPYRA_STARTUP", reason: "anomalies" });
    const check = only(harness.spans(), "papyra.startup_check");
    const scan = only(harness.spans(), "papyra.scan");
    expect(scan.parentSpanContext?.spanId).toBe(check.spanContext().spanId);
    expect(check.status.code).toBe(SpanStatusCode.ERROR);
    expect(check.attributes).toMatchObject({
      "papyra.backend": "json",
      "papyra.store": path,
      "papyra.startup.mode": "fail_on_anomaly",
      "papyra.startup.failure_reason": "anomalies",
      "papyra.startup.remaining_anomalies": 1,
      "papyra.scan.records": 4,
      "papyra.scan.anomalies.corrupted_line": 1,
      "error.type": "PAPYRA_STARTUP",
    });
  });

  it("a startup check in recover mode: scan, recover, scan as children; figures on the parent", async () => {
    await using store = await open();
    const result = await runTracedStartupCheck(store, { mode: "recover" });
    expect(result.remaining_anomalies).toBe(0);
    const check = only(harness.spans(), "papyra.startup_check");
    const children = harness
      .spans()
      .filter((span) => span.parentSpanContext?.spanId === check.spanContext().spanId)
      .map((span) => span.name);
    expect(children).toEqual(["papyra.scan", "papyra.recover", "papyra.scan"]);
    expect(check.status.code).toBe(SpanStatusCode.UNSET);
    expect(check.attributes).toMatchObject({
      "papyra.startup.mode": "recover",
      "papyra.startup.missing": false,
      "papyra.startup.remaining_anomalies": 0,
      "papyra.scan.incremental": false,
      "papyra.scan.anomalies.corrupted_line": 1,
      "papyra.recovery.dropped_damaged": 1,
      "papyra.recovery.repaired_files": 1,
    });
  });

  it("core's runStartupCheck on the instrumented backend traces the scans it runs", async () => {
    await using store = await open();
    await runStartupCheck(store, { mode: "scan_only" });
    expect(harness.spans().map((span) => span.name)).toEqual(["papyra.scan"]);
  });

  it("a backend that is not instrumented gets a startup span from the given provider", async () => {
    await using store = await openJsonStore({ path });
    await runTracedStartupCheck(
      store,
      { mode: "scan_only", full: true },
      { tracerProvider: harness.provider, attributes: { "deployment.environment": "test" } },
    );
    const check = only(harness.spans(), "papyra.startup_check");
    expect(check.attributes).toMatchObject({
      "papyra.backend": "json",
      "papyra.store": path,
      "papyra.startup.full": true,
      "deployment.environment": "test",
      "papyra.scan.anomalies": 1,
    });
  });

  it("after dispose, operations are no longer traced and still work", async () => {
    const instrumented = instrumentBackend(await openJsonStore({ path }), {
      tracerProvider: harness.provider,
    });
    instrumented.dispose();
    const report = await instrumented.backend.scan();
    expect(report.anomalies).toHaveLength(1);
    expect(harness.spans()).toEqual([]);
    await instrumented.backend.close();
  });
});
