import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRotatingStore } from "../src/index.js";
import { makeTempDir, removeDir, segmentContents } from "./helpers.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/python-written/", import.meta.url));

interface Expected {
  events: unknown[];
  audits: unknown[];
  dead_letters: unknown[];
}

describe("stores written by the Python implementation", () => {
  let dir: string;
  let expected: Expected;

  beforeEach(async () => {
    dir = await makeTempDir();
    await cp(join(FIXTURES, "rotating"), dir, { recursive: true });
    expected = JSON.parse(await readFile(join(FIXTURES, "expected.json"), "utf8")) as Expected;
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it("reads exactly expected.json, oldest first across the four segments", async () => {
    await using store = await openRotatingStore({ path: join(dir, "papyra.log"), readOnly: true });
    expect(await store.listEvents()).toEqual(expected.events);
    expect(await store.listAudits()).toEqual(expected.audits);
    expect(await store.listDeadLetters()).toEqual(expected.dead_letters);
    // Tail reads across segments: the newest three events come from the two newest files.
    expect(await store.listEvents({ limit: 3 })).toEqual(expected.events.slice(-3));
    expect(await store.listEvents({ limit: 3, reverse: true })).toEqual(
      expected.events.slice(-3).reverse(),
    );
  });

  it("decodes \\uXXXX escapes and `kind` written last", async () => {
    const raw = await readFile(join(dir, "papyra.log.2"), "utf8");
    expect(raw).toContain("\\u00e9");
    expect(raw).toMatch(/"kind": "event"}\n/);
    await using store = await openRotatingStore({ path: join(dir, "papyra.log"), readOnly: true });
    const notes = (await store.listEvents()).map((e) => (e.payload as { note: string }).note);
    expect(notes).toContain("héllo ✓ 日本");
  });

  it("scans clean", async () => {
    await using store = await openRotatingStore({ path: join(dir, "papyra.log"), readOnly: true });
    const report = await store.scan();
    expect(report.anomalies).toEqual([]);
    expect(report.records_scanned).toBe(17);
  });

  it("compaction without retention keeps every record and every byte", async () => {
    const before = await segmentContents(dir, "papyra.log");
    await using store = await openRotatingStore({ path: join(dir, "papyra.log") });
    const report = await store.compact();
    expect(report).toMatchObject({ before_records: 17, after_records: 17, removed_records: 0 });
    expect(report.reclaimed_bytes).toBe(0);
    expect(await segmentContents(dir, "papyra.log")).toEqual(before);
    expect(await store.listEvents()).toEqual(expected.events);
  });

  it("compaction with retention copies kept lines byte for byte, escapes and key order intact", async () => {
    const originalLines = new Set(
      [...(await segmentContents(dir, "papyra.log")).values()].flatMap((t) => t.split("\n")),
    );
    await using store = await openRotatingStore({
      path: join(dir, "papyra.log"),
      retention: { maxRecords: 8 },
    });
    const report = await store.compact();
    expect(report).toMatchObject({ before_records: 17, after_records: 13, removed_records: 4 });
    expect(await store.listEvents()).toEqual(expected.events.slice(-8));
    expect(await store.listAudits()).toEqual(expected.audits);
    expect(await store.listDeadLetters()).toEqual(expected.dead_letters);
    for (const text of (await segmentContents(dir, "papyra.log")).values()) {
      for (const line of text.split("\n")) expect(originalLines.has(line)).toBe(true);
    }
    expect((await store.scan()).anomalies).toEqual([]);
  });

  it("recovery of the clean store changes nothing", async () => {
    const before = await segmentContents(dir, "papyra.log");
    await using store = await openRotatingStore({ path: join(dir, "papyra.log") });
    const report = await store.recover({ mode: "repair" });
    expect(report.repaired_files).toEqual([]);
    expect(report.scan_after.anomalies).toEqual([]);
    expect(await segmentContents(dir, "papyra.log")).toEqual(before);
  });
});
