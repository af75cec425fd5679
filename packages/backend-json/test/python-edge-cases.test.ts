import assert from "node:assert/strict";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pythonWrittenLine } from "@papyra/testkit";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { makeTempDir, removeDir } from "./helpers.js";

const fixtures = join(import.meta.dirname, "fixtures");

/** The lines of a file, each with its newline. */
function linesOf(content: string): string[] {
  return content.split(/(?<=\n)/);
}

describe("edge-cases.ndjson (written by the Python implementation): every line is a record", () => {
  let dir: string;
  let path: string;
  let original: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
    await copyFile(join(fixtures, "edge-cases.ndjson"), path);
    original = await readFile(path, "utf8");
  });
  afterEach(() => removeDir(dir));

  it("scan reports nothing", async () => {
    await using store = await openJsonStore({ path, readOnly: true });
    const report = await store.scan();
    expect(report.anomalies).toEqual([]);
    expect(report.records_scanned).toBe(6);
  });

  it("lists 3 events, 2 dead letters and 1 audit, as JavaScript holds them", async () => {
    await using store = await openJsonStore({ path, readOnly: true });
    const events = await store.listEvents();
    expect(events.map((e) => e.timestamp)).toEqual([942.8, 1763769600, 946.25]);
    expect(events[0]?.payload).toStrictEqual({
      load: Number.NaN,
      limit: Number.POSITIVE_INFINITY,
      floor: Number.NEGATIVE_INFINITY,
    });
    expect(events[1]?.payload).toStrictEqual({
      big: 18446744073709552000,
      neg_big: -9007199254740992,
      tiny: 1e-7,
      huge: 1e16,
    });
    expect(events[2]?.actor_address).toEqual({ system: "edge", actor_id: "café-😀" });
    const letters = await store.listDeadLetters();
    expect(letters).toHaveLength(2);
    expect(letters[0]?.target).toMatchObject({
      _rid: 1,
      _address: { system: "edge", actor_id: 1 },
    });
    expect(letters[0]?.payload).toEqual({ late: "message ü" });
    expect(letters[1]?.target).toBe(7);
    expect(letters[1]?.payload).toBe("plain string payload");
    const audits = await store.listAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ timestamp: 945.5, registry_dead: ["edge:1"] });
  });

  it("repair keeps every line byte for byte (it only drops the damage around them)", async () => {
    const lines = linesOf(original);
    const damaged = [...lines.slice(0, 3), "{not json\n", ...lines.slice(3), '{"kind": "ev'].join(
      "",
    );
    await writeFile(path, damaged);
    await using store = await openJsonStore({ path, readOnly: true });
    const report = await store.recover({ mode: "repair" });
    expect(report.scan_before.anomalies.map((a) => a.type).sort()).toEqual([
      "CORRUPTED_LINE",
      "TRUNCATED_LINE",
    ]);
    expect(report.scan_after.anomalies).toEqual([]);
    expect(await readFile(path, "utf8")).toBe(original);
  });

  it("compaction keeps every line byte for byte, and with retention the kept ones", async () => {
    {
      await using store = await openJsonStore({ path });
      const report = await store.compact();
      expect(report).toMatchObject({ before_records: 6, after_records: 6, removed_records: 0 });
    }
    expect(await readFile(path, "utf8")).toBe(original);
    await using store = await openJsonStore({ path, retention: { maxRecords: 1 } });
    expect((await store.compact()).after_records).toBe(3);
    const lines = linesOf(original);
    // The newest of each kind: the second dead letter, the audit, the last event.
    expect(await readFile(path, "utf8")).toBe([lines[3], lines[4], lines[5]].join(""));
  });
});

describe("lines as the Python implementation's json.dumps writes them (property, real files)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => removeDir(dir));

  it("are never reported by scan, dropped by repair or compaction, and are all listed", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(pythonWrittenLine(), { minLength: 2, maxLength: 12 }),
        fc.nat(),
        async (generated, damageAt) => {
          const path = join(dir, `store-${run++}.ndjson`);
          const clean = generated.map((g) => `${g.line}\n`).join("");
          await writeFile(path, clean);
          {
            await using store = await openJsonStore({ path, readOnly: true });
            const scan = await store.scan();
            expect(scan.anomalies).toEqual([]);
            expect(scan.records_scanned).toBe(generated.length);
            const expected = (kind: string) =>
              generated.filter((g) => g.kind === kind).map((g) => g.record);
            // node's deepStrictEqual: NaN equals NaN, -0 is not 0, and own `constructor` keys
            // are compared as data (vitest's toStrictEqual compares them as classes).
            assert.deepStrictEqual(await store.listEvents(), expected("event"));
            assert.deepStrictEqual(await store.listAudits(), expected("audit"));
            assert.deepStrictEqual(await store.listDeadLetters(), expected("dead_letter"));
          }
          // Repair around one damaged line keeps every generated line's bytes.
          const lines = generated.map((g) => `${g.line}\n`);
          lines.splice(damageAt % (lines.length + 1), 0, "{damage\n");
          await writeFile(path, lines.join(""));
          {
            await using store = await openJsonStore({ path, readOnly: true });
            const report = await store.recover({ mode: "repair" });
            expect(report.scan_after.anomalies).toEqual([]);
          }
          expect(await readFile(path, "utf8")).toBe(clean);
          // Compaction without retention rewrites nothing it need not.
          {
            await using store = await openJsonStore({ path });
            expect((await store.compact()).removed_records).toBe(0);
          }
          expect(await readFile(path, "utf8")).toBe(clean);
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);
});
