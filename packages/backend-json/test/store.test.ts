import { appendFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  encodeRecord,
  PersistenceNotAStoreError,
  type PersistenceNotFoundError,
  PersistenceValidationError,
} from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

const line = (id: number) => encodeRecord("event", event(id));

describe("JSON store behaviour", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
  });
  afterEach(() => removeDir(dir));

  it("read-only: no lock, no file created, record* reject; a missing file is no store (PAPYRA_NOT_FOUND), an empty one is", async () => {
    const missing = await openJsonStore({ path, readOnly: true }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "PAPYRA_NOT_FOUND" });
    expect((missing as PersistenceNotFoundError).location).toBe(path);
    expect((missing as Error).message).toContain(path);
    expect(await readdir(dir)).toEqual([]);
    await writeFile(path, "");
    await using store = await openJsonStore({ path, readOnly: true });
    expect(await readdir(dir)).toEqual(["store.ndjson"]);
    expect(await store.listEvents()).toEqual([]);
    expect((await store.scan()).anomalies).toEqual([]);
    const error = await store.recordEvent(event(1)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
    expect((error as Error).message).toMatch(/read-only/);
  });

  it("a complete last record without newline is reported, listed, and kept by repair", async () => {
    await writeFile(path, `${line(1)}\n${line(2)}`);
    await using store = await openJsonStore({ path, readOnly: true });
    const scan = await store.scan();
    expect(scan.anomalies.map((a) => [a.type, a.line])).toEqual([["TRUNCATED_LINE", 2]]);
    expect((await store.listEvents()).length).toBe(2);
    const report = await store.recover({ mode: "repair" });
    expect(report.dropped_damaged).toBe(0);
    expect(report.repaired_files).toEqual([path]);
    expect(await readFile(path, "utf8")).toBe(`${line(1)}\n${line(2)}\n`);
    expect(report.scan_after.anomalies).toEqual([]);
  });

  it("an incomplete last line is dropped by repair; a writer reopening seals it first", async () => {
    await writeFile(path, `${line(1)}\n{"kind":"event","sys`);
    {
      await using writer = await openJsonStore({ path });
      await writer.recordEvent(event(2));
      // The fragment became its own line; record 2 is intact after it.
      expect((await writer.listEvents()).map((e) => (e.payload as { id: number }).id)).toEqual([
        1, 2,
      ]);
      const scan = await writer.scan();
      expect(scan.anomalies.map((a) => a.type)).toEqual(["CORRUPTED_LINE"]);
      const report = await writer.recover({ mode: "repair" });
      expect(report.dropped_damaged).toBe(1);
      await writer.recordEvent(event(3));
    }
    expect(await readFile(path, "utf8")).toBe(`${line(1)}\n${line(2)}\n${line(3)}\n`);
  });

  it("classifies damage: invalid UTF-8, non-JSON, non-objects, INVALID_RECORD, huge lines; blank lines and unknown kinds are fine", async () => {
    const unknown = '{"kind":"metric_v9","timestamp":5,"value":1}';
    const huge = `{"kind":"event","pad":"${"z".repeat(17 * 1024 * 1024)}"}`;
    const content = Buffer.concat([
      Buffer.from(`${line(1)}\n\n   \n${unknown}\n`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
      Buffer.from(
        `not json\n[1,2]\n{"no_kind":true}\n{"kind":"event","timestamp":"x"}\n${huge}\n${line(2)}\n`,
      ),
    ]);
    await writeFile(path, content);
    await using store = await openJsonStore({ path, readOnly: true });
    const scan = await store.scan();
    expect(scan.anomalies.map((a) => [a.type, a.line])).toEqual([
      ["CORRUPTED_LINE", 5],
      ["CORRUPTED_LINE", 6],
      ["CORRUPTED_LINE", 7],
      ["INVALID_RECORD", 8],
      ["INVALID_RECORD", 9],
      ["CORRUPTED_LINE", 10],
    ]);
    expect(scan.records_scanned).toBe(3);
    expect((await store.listEvents()).length).toBe(2);
    // Six damaged lines against three records: mostly not a store, so nothing is rewritten
    // unless forced (SPEC §9); forced compaction still refuses the damage.
    await expect(store.compact()).rejects.toMatchObject({ code: "PAPYRA_NOT_A_STORE" });
    await expect(store.recover({ mode: "repair" })).rejects.toBeInstanceOf(
      PersistenceNotAStoreError,
    );
    await expect(store.compact({ force: true })).rejects.toMatchObject({ code: "PAPYRA_DAMAGED" });
    expect((await readFile(path)).equals(content)).toBe(true);
    const report = await store.recover({ mode: "repair", force: true });
    expect(report.dropped_damaged).toBe(6);
    expect(await readFile(path, "utf8")).toBe(`${line(1)}\n\n   \n${unknown}\n${line(2)}\n`);
  });

  it("refuses a record longer than reads accept (17 MiB payload), writing nothing; the store stays readable and clean", async () => {
    await using store = await openJsonStore({ path });
    await store.recordEvent(event(1));
    const huge = { ...event(2), payload: { pad: "z".repeat(17 * 1024 * 1024) } };
    const error = await store.recordEvent(huge).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_VALIDATION" });
    expect((error as Error).message).toMatch(/largest this store can read back is 16777216 bytes/);
    expect(store.metrics.snapshot().write_errors).toBe(1);
    await store.recordEvent(event(3));
    expect(await readFile(path, "utf8")).toBe(`${line(1)}\n${line(3)}\n`);
    expect((await store.listEvents()).map((e) => (e.payload as { id: number }).id)).toEqual([1, 3]);
    expect((await store.scan()).anomalies).toEqual([]);
  });

  it("the write limit follows maxLineBytes", async () => {
    await using store = await openJsonStore({ path, maxLineBytes: 200 });
    const long = { ...event(1), payload: { pad: "z".repeat(300) } };
    await expect(store.recordEvent(long)).rejects.toMatchObject({ code: "PAPYRA_VALIDATION" });
    await store.recordEvent(event(2));
    expect(await readFile(path, "utf8")).toBe(`${line(2)}\n`);
    expect((await store.scan()).anomalies).toEqual([]);
  });

  it("quarantine needs a directory before touching anything, then copies the damaged original there", async () => {
    const damaged = `${line(1)}\ngarbage\n${line(2)}\n`;
    await writeFile(path, damaged);
    await using store = await openJsonStore({ path, readOnly: true });
    await expect(store.recover({ mode: "quarantine" })).rejects.toBeInstanceOf(
      PersistenceValidationError,
    );
    expect(await readFile(path, "utf8")).toBe(damaged);
    const quarantineDir = join(dir, "quarantine");
    const report = await store.recover({ mode: "quarantine", quarantineDir });
    expect(report.quarantined_files).toHaveLength(1);
    expect(await readFile(report.quarantined_files[0] as string, "utf8")).toBe(damaged);
    expect(await readFile(path, "utf8")).toBe(`${line(1)}\n${line(2)}\n`);
    expect((await readdir(dir)).filter((n) => n.startsWith("store.ndjson.tmp-"))).toEqual([]);
  });

  it("recovery counts retention drops apart from damage", async () => {
    await writeFile(path, `${line(1)}\n${line(2)}\nbad\n${line(3)}\n`);
    await using store = await openJsonStore({ path, readOnly: true, retention: { maxRecords: 2 } });
    const report = await store.recover({ mode: "repair" });
    expect(report.dropped_damaged).toBe(1);
    expect(report.dropped_by_retention).toBe(1);
    expect(await readFile(path, "utf8")).toBe(`${line(2)}\n${line(3)}\n`);
  });

  it("compaction inside the writing process pauses the writer; writes continue afterwards", async () => {
    await using store = await openJsonStore({ path, retention: { maxRecords: 10 } });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.recordEvent(event(i))));
    const during = Array.from({ length: 20 }, (_, i) => store.recordEvent(event(100 + i)));
    const report = await store.compact();
    await Promise.all(during);
    expect(report.after_records).toBe(10);
    await store.recordEvent(event(999));
    const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
    expect(ids).toEqual([111, 112, 113, 114, 115, 116, 117, 118, 119, 999]);
    expect((await store.scan()).anomalies).toEqual([]);
  });

  it("metrics are kept durably across processes; a reset makes a running writer count from zero", async () => {
    {
      await using writer = await openJsonStore({ path });
      await Promise.all([1, 2, 3].map((i) => writer.recordEvent(event(i))));
    }
    const reader = await openJsonStore({ path, readOnly: true });
    expect((await reader.readStoredMetrics()).counters.records_written).toBe(3);

    await using writer = await openJsonStore({ path });
    await writer.recordEvent(event(4));
    expect((await writer.readStoredMetrics()).counters.records_written).toBe(4);
    await reader.resetStoredMetrics();
    const afterReset = await reader.readStoredMetrics();
    expect(afterReset.counters.records_written).toBe(0);
    expect(afterReset.since).toEqual(expect.any(Number));
    // The writer sees the new generation at its next flush and restarts from zero.
    await writer.readStoredMetrics();
    expect(writer.metrics.snapshot().records_written).toBe(0);
    await writer.recordEvent(event(5));
    await writer.recordEvent(event(6));
    expect((await writer.readStoredMetrics()).counters.records_written).toBe(2);
    await reader.close();
  });

  it("incremental scans check only what was appended since a clean scan, and fall back when the file changed", async () => {
    await writeFile(path, `${line(1)}\n${line(2)}\n`);
    await using store = await openJsonStore({ path, readOnly: true });
    const full = await store.scan();
    expect(full).toMatchObject({ incremental: false, records_scanned: 2 });
    await appendFile(path, `${line(3)}\n`);
    const next = await store.scan({ incremental: true });
    expect(next).toMatchObject({
      incremental: true,
      records_scanned: 3,
      bytes_scanned: line(3).length + 1,
    });
    await appendFile(path, "oops\n");
    const damaged = await store.scan({ incremental: true });
    expect(damaged.incremental).toBe(true);
    expect(damaged.anomalies.map((a) => [a.type, a.line])).toEqual([["CORRUPTED_LINE", 4]]);
    // Bytes before the checkpoint changed: a full scan happens.
    const content = await readFile(path, "utf8");
    await writeFile(path, content.replace(line(1), line(1).replace('"sys"', '"SYS"')));
    const changed = await store.scan({ incremental: true });
    expect(changed.incremental).toBe(false);
    // scan() without incremental always verifies everything.
    expect((await store.scan()).incremental).toBe(false);
  });
  it("maintenance from another instance in the writing process pauses that writer instead of failing", async () => {
    await using writer = await openJsonStore({ path });
    await Promise.all(Array.from({ length: 30 }, (_, i) => writer.recordEvent(event(i))));
    await using other = await openJsonStore({ path, readOnly: true, retention: { maxRecords: 5 } });
    const pending = Array.from({ length: 5 }, (_, i) => writer.recordEvent(event(100 + i)));
    const report = await other.compact();
    await Promise.all(pending);
    expect(report.after_records).toBe(5);
    await writer.recordEvent(event(200));
    expect((await other.listEvents()).map((e) => (e.payload as { id: number }).id)).toEqual([
      101, 102, 103, 104, 200,
    ]);
    expect((await other.scan()).anomalies).toEqual([]);
  });

  it("scan({ sampleSize }) checks only the newest lines and says so", async () => {
    await writeFile(path, `garbage\n${line(1)}\n${line(2)}\nbad\n${line(3)}\n`);
    await using store = await openJsonStore({ path, readOnly: true });
    const sample = await store.scan({ sampleSize: 3 });
    expect(sample).toMatchObject({ sampled: true, records_scanned: 2 });
    expect(sample.anomalies.map((a) => a.type)).toEqual(["CORRUPTED_LINE"]);
    expect((await store.scan()).anomalies).toHaveLength(2);
  });
  it("an aborted scan, recovery or compaction rejects with the signal's reason and changes nothing", async () => {
    const content = `${line(1)}\nbad\n`;
    await writeFile(path, content);
    await using store = await openJsonStore({ path, readOnly: true });
    const reason = new Error("stop");
    const signal = AbortSignal.abort(reason);
    await expect(store.scan({ signal })).rejects.toBe(reason);
    await expect(store.recover({ mode: "repair", signal })).rejects.toBe(reason);
    await expect(store.compact({ signal })).rejects.toBe(reason);
    expect(await readFile(path, "utf8")).toBe(content);
  });
});
