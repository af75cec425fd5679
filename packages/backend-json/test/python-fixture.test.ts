import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { makeTempDir, removeDir } from "./helpers.js";

const fixtures = join(import.meta.dirname, "fixtures");

describe("stores written by the Python implementation", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
    await copyFile(join(fixtures, "json-store.ndjson"), path);
  });
  afterEach(() => removeDir(dir));

  it("reads exactly expected.json", async () => {
    const expected = JSON.parse(await readFile(join(fixtures, "expected.json"), "utf8"));
    await using store = await openJsonStore({ path, readOnly: true });
    expect(await store.listEvents()).toEqual(expected.events);
    expect(await store.listAudits()).toEqual(expected.audits);
    expect(await store.listDeadLetters()).toEqual(expected.dead_letters);
  });

  it("scans clean", async () => {
    await using store = await openJsonStore({ path, readOnly: true });
    const report = await store.scan();
    expect(report.anomalies).toEqual([]);
    expect(report.records_scanned).toBe(17);
  });

  it("compaction without retention keeps every record byte for byte", async () => {
    const before = await readFile(path);
    await using store = await openJsonStore({ path });
    const report = await store.compact();
    expect(report).toMatchObject({
      before_records: 17,
      after_records: 17,
      removed_records: 0,
      reclaimed_bytes: 0,
    });
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it("compaction with retention copies kept lines byte for byte", async () => {
    const lines = (await readFile(path, "utf8")).split("\n").filter(Boolean);
    await using store = await openJsonStore({ path, retention: { maxRecords: 2 } });
    const report = await store.compact();
    expect(report.after_records).toBe(6);
    const after = (await readFile(path, "utf8")).split("\n").filter(Boolean);
    for (const line of after) expect(lines).toContain(line);
    expect(after.length).toBe(6);
  });
});
