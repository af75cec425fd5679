import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, encodeRecord, runStartupCheck } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await makeTempDir();
  path = join(dir, "store.ndjson");
});
afterEach(() => removeDir(dir));

const line = (id: number) => encodeRecord("event", event(id));

async function listing(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    out[name] = (await readFile(join(dir, name))).toString("base64");
  }
  return out;
}

describe("dry runs through the store API", () => {
  it("recover and compact with dryRun change no file, take no lock and count nothing", async () => {
    await writeFile(path, `${line(1)}\n${line(2)}\nbroken\n${line(3)}\n{"kind":"ev`);
    const before = await listing();
    {
      await using store = await openJsonStore({
        path,
        readOnly: true,
        retention: { maxRecords: 1 },
      });
      const recovery = await store.recover({ mode: "repair", dryRun: true });
      expect(recovery).toMatchObject({ dry_run: true, dropped_damaged: 2, repaired_files: [path] });
      expect(recovery.scan_after).toBe(recovery.scan_before);
      await expect(store.compact({ dryRun: true })).rejects.toMatchObject({
        code: ErrorCode.damaged,
      });
      expect(store.metrics.snapshot()).toMatchObject({
        recovery_attempts: 0,
        scan_operations: 0,
        compactions_triggered: 0,
      });
    }
    expect(await listing()).toEqual(before);
  });

  it("compaction's dry run gives the real run's figures", async () => {
    await writeFile(path, [1, 2, 3, 4, 5].map((id) => `${line(id)}\n`).join(""));
    await using store = await openJsonStore({ path, readOnly: true, retention: { maxRecords: 2 } });
    const before = await listing();
    const dry = await store.compact({ dryRun: true });
    expect(await listing()).toEqual(before);
    const real = await store.compact();
    expect({ ...dry, dry_run: false }).toEqual(real);
    expect(real.removed_records).toBe(3);
  });

  it("in the writing process a dry run pauses the writer only for the read", async () => {
    await writeFile(path, `${line(1)}\nbroken\n`);
    await using store = await openJsonStore({ path });
    const before = await readFile(path);
    const report = await store.recover({ mode: "repair", dryRun: true });
    expect(report.dropped_damaged).toBe(1);
    expect((await readFile(path)).equals(before)).toBe(true);
    await store.recordEvent(event(2));
    expect((await store.listEvents()).length).toBe(2);
  });
});

describe("a store that does not exist", () => {
  it("a read-only open creates nothing and names the path; a writer creates the store", async () => {
    const error = await openJsonStore({ path, readOnly: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_NOT_FOUND" });
    expect((error as Error).message).toContain(path);
    expect(await readdir(dir)).toEqual([]);
    const writer = await openJsonStore({ path });
    expect((await stat(path)).isFile()).toBe(true);
    await writer.close();
  });

  it("a read-only instance whose file went away answers PAPYRA_NOT_FOUND; allowMissing makes the startup check say so", async () => {
    await writeFile(path, `${line(1)}\n`);
    await using store = await openJsonStore({ path, readOnly: true });
    await rm(path);
    for (const call of [
      () => store.scan(),
      () => store.recover({ mode: "repair" }),
      () => store.compact(),
      () => store.readStoredMetrics(),
      () => store.resetStoredMetrics(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: ErrorCode.notFound, location: path });
    }
    await expect(runStartupCheck(store, { mode: "fail_on_anomaly" })).rejects.toMatchObject({
      code: ErrorCode.notFound,
    });
    const result = await runStartupCheck(store, { mode: "recover", allowMissing: true });
    expect(result).toMatchObject({ missing: true, skipped: `no store yet at ${path}` });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("refusals leave every file as it was", () => {
  it("a read-only instance refused as not a store writes no metrics sidecar", async () => {
    await writeFile(path, "root:x:0:0:root:/root:/bin/bash\n");
    const before = await listing();
    {
      await using store = await openJsonStore({ path, readOnly: true });
      await expect(store.recover({ mode: "repair" })).rejects.toMatchObject({
        code: ErrorCode.notAStore,
      });
      await expect(store.compact()).rejects.toMatchObject({ code: ErrorCode.notAStore });
      await expect(runStartupCheck(store, { mode: "recover" })).rejects.toMatchObject({
        code: ErrorCode.notAStore,
      });
    }
    expect(await listing()).toEqual(before);
  });
});

describe("sidecars under their current names, first-release ones migrated", () => {
  it("a writer migrates the old metrics and checkpoint: no counter lost, the incremental scan still resumes", async () => {
    {
      await using writer = await openJsonStore({ path });
      for (let id = 1; id <= 5; id++) await writer.recordEvent(event(id));
      expect((await writer.scan()).anomalies).toEqual([]);
    }
    // Make it look like the first release wrote it.
    const { rename } = await import("node:fs/promises");
    await rename(join(dir, ".store.ndjson.metrics.json"), `${path}.metrics.json`);
    await rename(join(dir, ".store.ndjson.scan.json"), `${path}.scan.json`);
    {
      await using reader = await openJsonStore({ path, readOnly: true });
      expect((await reader.readStoredMetrics()).counters.records_written).toBe(5);
      const scan = await reader.scan({ incremental: true });
      expect(scan).toMatchObject({ incremental: true, records_scanned: 5 });
    }
    expect(await readdir(dir)).toContain("store.ndjson.metrics.json");
    {
      await using writer = await openJsonStore({ path });
      expect((await readdir(dir)).filter((n) => n.startsWith("store.ndjson"))).toEqual([
        "store.ndjson",
      ]);
      await writer.recordEvent(event(6));
      expect((await writer.readStoredMetrics()).counters.records_written).toBe(6);
      expect((await writer.scan({ incremental: true })).incremental).toBe(true);
    }
    expect((await readdir(dir)).sort()).toEqual([
      ".store.ndjson.metrics.json",
      ".store.ndjson.scan.json",
      "store.ndjson",
    ]);
  });
});
