import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonWrittenLine } from "@papyra/testkit";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openRotatingStore } from "../src/index.js";
import { makeTempDir, removeDir, segmentContents } from "./helpers.js";

const FIXTURE = fileURLToPath(
  new URL("./fixtures/python-written/edge-cases.ndjson", import.meta.url),
);

/** Every line of the set, oldest segment first, each with its newline. */
async function setLines(dir: string, base: string): Promise<string[]> {
  const segments = [...(await segmentContents(dir, base)).entries()].sort(
    ([a], [b]) => segmentIndex(b, base) - segmentIndex(a, base),
  );
  return segments.flatMap(([, text]) => text.split(/(?<=\n)/).filter((l) => l !== ""));
}

function segmentIndex(name: string, base: string): number {
  return name === base ? 0 : Number(name.slice(base.length + 1));
}

/** Writes `lines` as a rotation set: the first half in `base.1`, the rest in `base`. */
async function writeSet(dir: string, base: string, lines: readonly string[]): Promise<void> {
  const half = Math.floor(lines.length / 2);
  await writeFile(join(dir, `${base}.1`), lines.slice(0, half).join(""));
  await writeFile(join(dir, base), lines.slice(half).join(""));
}

describe("edge-cases.ndjson (written by the Python implementation) in a rotation set", () => {
  let dir: string;
  let lines: string[];
  beforeEach(async () => {
    dir = await makeTempDir();
    lines = (await readFile(FIXTURE, "utf8")).split(/(?<=\n)/).filter((l) => l !== "");
    expect(lines).toHaveLength(6);
    await writeSet(dir, "papyra.log", lines);
  });
  afterEach(() => removeDir(dir));

  const open = (options: { readOnly?: boolean; retention?: { maxRecords: number } } = {}) =>
    openRotatingStore({ path: join(dir, "papyra.log"), ...options });

  it("scan reports nothing", async () => {
    await using store = await open({ readOnly: true });
    const report = await store.scan();
    expect(report.anomalies).toEqual([]);
    expect(report.records_scanned).toBe(6);
  });

  it("lists 3 events, 2 dead letters and 1 audit", async () => {
    await using store = await open({ readOnly: true });
    const events = await store.listEvents();
    expect(events.map((e) => e.event_type)).toEqual([
      "ActorStarted",
      "ActorStopped",
      "ActorCrashed",
    ]);
    expect(events[0]?.payload).toStrictEqual({
      load: Number.NaN,
      limit: Number.POSITIVE_INFINITY,
      floor: Number.NEGATIVE_INFINITY,
    });
    expect(events[1]?.payload.big).toBe(2 ** 64);
    const letters = await store.listDeadLetters();
    expect(letters.map((l) => l.target)).toMatchObject([{ _address: { system: "edge" } }, 7]);
    expect(await store.listAudits()).toHaveLength(1);
  });

  it("repair keeps every line byte for byte", async () => {
    await writeSet(dir, "papyra.log", [...lines.slice(0, 2), "\u0000garbage\n", ...lines.slice(2)]);
    await using store = await open();
    const report = await store.recover({ mode: "repair" });
    expect(report.scan_before.anomalies.map((a) => a.type)).toEqual(["CORRUPTED_LINE"]);
    expect(report.scan_after.anomalies).toEqual([]);
    expect(await setLines(dir, "papyra.log")).toEqual(lines);
  });

  it("compaction keeps every line byte for byte, and with retention the kept ones", async () => {
    {
      await using store = await open();
      expect((await store.compact()).removed_records).toBe(0);
    }
    expect(await setLines(dir, "papyra.log")).toEqual(lines);
    await using store = await open({ retention: { maxRecords: 1 } });
    expect((await store.compact()).after_records).toBe(3);
    expect(await setLines(dir, "papyra.log")).toEqual([lines[3], lines[4], lines[5]]);
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
          const base = `set-${run++}.log`;
          const lines = generated.map((g) => `${g.line}\n`);
          await writeSet(dir, base, lines);
          const open = (readOnly = false) => openRotatingStore({ path: join(dir, base), readOnly });
          {
            await using store = await open(true);
            const scan = await store.scan();
            expect(scan.anomalies).toEqual([]);
            expect(scan.records_scanned).toBe(generated.length);
            const expected = (kind: string) =>
              generated.filter((g) => g.kind === kind).map((g) => g.record);
            // node's deepStrictEqual: NaN equals NaN, -0 is not 0, own `constructor` keys are data.
            assert.deepStrictEqual(await store.listEvents(), expected("event"));
            assert.deepStrictEqual(await store.listAudits(), expected("audit"));
            assert.deepStrictEqual(await store.listDeadLetters(), expected("dead_letter"));
          }
          // One corrupted line inside one segment, among that segment's records (a segment
          // of nothing but damage is refused as not a store, SPEC §9).
          const half = Math.floor(lines.length / 2);
          const segments = [lines.slice(0, half), lines.slice(half)];
          const segment = segments[damageAt % 2] as string[];
          segment.splice(damageAt % (segment.length + 1), 0, "{damage\n");
          await writeFile(join(dir, `${base}.1`), (segments[0] as string[]).join(""));
          await writeFile(join(dir, base), (segments[1] as string[]).join(""));
          {
            await using store = await open();
            expect((await store.recover({ mode: "repair" })).scan_after.anomalies).toEqual([]);
            expect((await store.compact()).removed_records).toBe(0);
          }
          expect(await setLines(dir, base)).toEqual(lines);
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);
});
