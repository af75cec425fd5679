import { existsSync } from "node:fs";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Anomaly } from "@papyra/core";
import { randomInt, seededRandom } from "@papyra/test-support";
import { killCrashChildren, runUntilKilled, runWriterUntilKilled } from "@papyra/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openRotatingStore, type RotatingFileBackend } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

const CHILD = join(import.meta.dirname, "crash-child.mjs");
const BUILT = join(import.meta.dirname, "../dist/index.js");
// Seeded, so the kill points of a failing run can be replayed.
const random = seededRandom(20261130);

// Small segments so the writer rotates every few dozen records; many files so the set never
// fills during a test (a full set legitimately deletes its oldest segment).
const MAX_BYTES = 4096;
const MAX_FILES = 100_000;

/** Kill counts; PAPYRA_CRASH_ITERATIONS scales them (CI runs the defaults: 30 + 10 + 10). */
const SCALE = Number(process.env.PAPYRA_CRASH_ITERATIONS ?? 50) / 50;
const WRITER_STORES = Math.max(1, Math.round(15 * SCALE));
const COMPACTION_KILLS = Math.max(1, Math.round(10 * SCALE));
const RECOVERY_KILLS = Math.max(1, Math.round(10 * SCALE));

/** Runs `count` iterations of `fn` in two concurrent lanes (each kill waits on a child). */
async function inLanes(count: number, fn: () => Promise<void>): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started += 1;
      await fn();
    }
  };
  await Promise.all([lane(), lane()]);
}

function open(path: string, retention?: { maxRecords: number }): Promise<RotatingFileBackend> {
  return openRotatingStore({
    path,
    maxBytes: MAX_BYTES,
    maxFiles: MAX_FILES,
    readOnly: true,
    retention,
  });
}

async function ids(store: RotatingFileBackend): Promise<number[]> {
  return (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
}

function lineDamage(anomalies: Anomaly[]): Anomaly[] {
  return anomalies.filter(
    (a) => a.type !== "UNEXPECTED_FILE" && a.type !== "ORPHANED_ROTATED_FILE",
  );
}

/** Segment paths present, newest first. */
async function segmentsNewestFirst(dir: string, base: string): Promise<string[]> {
  const names = (await readdir(dir)).filter(
    (n) => n === base || (/^\.\d+$/.test(n.slice(base.length)) && n.startsWith(base)),
  );
  const index = (n: string) => (n === base ? 0 : Number(n.slice(base.length + 1)));
  return names.sort((a, b) => index(a) - index(b)).map((n) => join(dir, n));
}

/** A store of `count` events over many segments, built once and copied for each kill. */
async function buildTemplate(dir: string, count: number): Promise<string> {
  const path = join(dir, "store.log");
  const store = await openRotatingStore({ path, maxBytes: MAX_BYTES, maxFiles: MAX_FILES });
  for (let start = 0; start < count; start += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - start) }, (_, k) =>
        store.recordEvent(event(start + k, (start + k) % 90)),
      ),
    );
  }
  await store.close();
  return path;
}

describe("crash safety (child processes killed with SIGKILL)", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const d = await makeTempDir("papyra-rot-crash-");
    dirs.push(d);
    return d;
  };
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, "../dist/index.js"))) {
      throw new Error("build first: pnpm --filter @papyra/backend-rotating build");
    }
  });
  afterEach(() => {
    killCrashChildren();
  });
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it(`a writer killed ${WRITER_STORES * 2} times while rotating loses no resolved record; at most one torn line, in the newest segment`, async () => {
    let rotations = 0;
    await inLanes(WRITER_STORES, async () => {
      const dir = await tempDir();
      const path = join(dir, "store.log");
      const resolved = new Set<number>();
      let nextId = 0;
      // Two kills per store: the second run restarts on the crashed store (stale lock, torn tail).
      for (let run = 0; run < 2; run++) {
        // Killed after a number of acknowledged writes (not after a time): each run writes
        // enough to rotate several times, however busy the machine is.
        const printed = await runWriterUntilKilled(
          {
            module: BUILT,
            export: "openRotatingStore",
            options: { path, maxBytes: MAX_BYTES, maxFiles: MAX_FILES },
            firstId: nextId,
          },
          { afterLines: randomInt(random, 100, 600) },
        );
        for (const id of printed) resolved.add(id);
        const reader = await open(path);
        const scan = await reader.scan();
        const damage = lineDamage(scan.anomalies);
        expect(scan.anomalies.length).toBe(damage.length);
        expect(damage.length).toBeLessThanOrEqual(1);
        const segments = await segmentsNewestFirst(dir, "store.log");
        rotations = Math.max(rotations, segments.length - 1);
        if (damage[0]) {
          expect(damage[0].type).toBe("TRUNCATED_LINE");
          expect(damage[0].path).toBe(segments[0]);
        }
        const before = await ids(reader);
        expect(new Set(before).size).toBe(before.length);
        for (const id of resolved) expect(before.includes(id), `resolved id ${id} lost`).toBe(true);
        const report = await reader.recover({ mode: "repair" });
        expect(report.dropped_damaged).toBeLessThanOrEqual(damage.length);
        expect(report.scan_after.anomalies).toEqual([]);
        expect(await ids(reader)).toEqual(before);
        await reader.close();
        nextId = Math.max(nextId, ...before, ...resolved) + 1;
      }
    });
    expect(rotations).toBeGreaterThan(2);
  }, 180_000);

  describe("maintenance killed midway", () => {
    let template: string;
    let compactMs = 0;
    let recoverMs = 0;
    const COUNT = 1500;
    const KEEP = 500;

    beforeAll(async () => {
      const dir = await tempDir();
      template = await buildTemplate(dir, COUNT);
      // How long one run takes here, to spread the kills over it (not an assertion). A cold
      // child is slower than this warm run, hence kills up to three times as late.
      const d1 = await tempDir();
      await cp(dir, d1, { recursive: true });
      const s1 = await open(join(d1, "store.log"), { maxRecords: KEEP });
      let t = performance.now();
      await s1.compact();
      compactMs = performance.now() - t;
      await s1.close();
      const d2 = await tempDir();
      await cp(dir, d2, { recursive: true });
      await damageEveryThirdSegment(d2);
      const s2 = await open(join(d2, "store.log"));
      t = performance.now();
      await s2.recover({ mode: "repair" });
      recoverMs = performance.now() - t;
      await s2.close();
    }, 120_000);

    async function damageEveryThirdSegment(dir: string): Promise<number> {
      let damaged = 0;
      const segments = await segmentsNewestFirst(dir, "store.log");
      for (const [i, segment] of segments.entries()) {
        if (i % 3 !== 1) continue;
        const lines = (await readFile(segment, "utf8")).split("\n");
        lines.splice(2, 0, '{"broken": ', "\u0000garbage");
        await writeFile(segment, lines.join("\n"));
        damaged += 2;
      }
      return damaged;
    }

    it(`compaction killed ${COMPACTION_KILLS} times loses and duplicates no kept record`, async () => {
      const expected = [...Array(KEEP).keys()].map((k) => COUNT - KEEP + k);
      await inLanes(COMPACTION_KILLS, async () => {
        const dir = await tempDir();
        await cp(join(template, ".."), dir, { recursive: true });
        const path = join(dir, "store.log");
        await runUntilKilled(
          CHILD,
          ["compact", path, String(MAX_BYTES), String(MAX_FILES), String(KEEP)],
          { afterMs: random() * compactMs * 3 },
        );
        const raw = await open(path);
        const all = await ids(raw);
        // Nothing duplicated; every kept record still stored; what is gone was excluded.
        expect(new Set(all).size).toBe(all.length);
        for (const id of expected) expect(all.includes(id), `kept id ${id} lost`).toBe(true);
        const scan = await raw.scan();
        expect(lineDamage(scan.anomalies)).toEqual([]);
        await raw.close();
        const kept = await open(path, { maxRecords: KEEP });
        expect(await ids(kept)).toEqual(expected);
        // Finishing the job works and leaves the store clean.
        expect((await kept.recover({ mode: "repair" })).scan_after.anomalies).toEqual([]);
        await kept.compact();
        expect(await ids(kept)).toEqual(expected);
        await kept.close();
        const reopened = await open(path);
        expect(await ids(reopened)).toEqual(expected);
        await reopened.close();
      });
    }, 180_000);

    it(`recovery killed ${RECOVERY_KILLS} times loses and duplicates no valid record`, async () => {
      const expected = [...Array(COUNT).keys()];
      await inLanes(RECOVERY_KILLS, async () => {
        const dir = await tempDir();
        await cp(join(template, ".."), dir, { recursive: true });
        const damaged = await damageEveryThirdSegment(dir);
        const path = join(dir, "store.log");
        await runUntilKilled(CHILD, ["recover", path, String(MAX_BYTES), String(MAX_FILES)], {
          afterMs: random() * recoverMs * 3,
        });
        const store = await open(path);
        expect(await ids(store)).toEqual(expected);
        const scan = await store.scan();
        expect(lineDamage(scan.anomalies).length).toBeLessThanOrEqual(damaged);
        const report = await store.recover({ mode: "repair" });
        expect(report.scan_after.anomalies).toEqual([]);
        expect(await ids(store)).toEqual(expected);
        await store.close();
      });
    }, 180_000);
  });
});
