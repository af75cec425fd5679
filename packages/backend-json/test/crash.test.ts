import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomInt, seededRandom } from "@papyra/test-support";
import { killCrashChildren, runUntilKilled, runWriterUntilKilled } from "@papyra/testkit";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { makeTempDir, removeDir } from "./helpers.js";

const child = join(import.meta.dirname, "crash-child.mjs");
const built = join(import.meta.dirname, "../dist/index.js");
// Seeded, so the kill points of a failing run can be replayed.
const random = seededRandom(20261130);

function eventLine(id: number): string {
  return JSON.stringify({
    kind: "event",
    system_id: "crash",
    actor_address: { system: "crash", actor_id: id },
    event_type: "ActorStarted",
    payload: { id, pad: "y".repeat(id % 100) },
    timestamp: 1_700_000_000 + id,
  });
}

const ITERATIONS = Number(process.env.PAPYRA_CRASH_ITERATIONS ?? 50);

describe("crash safety (child processes killed with SIGKILL)", () => {
  let dir: string;
  let path: string;
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, "../dist/index.js"))) {
      throw new Error(
        "build @papyra/backend-json first (pnpm --filter @papyra/backend-json build)",
      );
    }
  });
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
  });
  afterEach(async () => {
    killCrashChildren();
    await removeDir(dir);
  });

  it(`a writer killed ${ITERATIONS} times loses no resolved record; at most one torn last line`, async () => {
    // Two lanes of kills run side by side (each on its own stores) to halve the wall time.
    const lane = async (laneId: number, iterations: number): Promise<number> => {
      let resolved = new Set<number>();
      let nextId = laneId * 1_000_000_000;
      let total = 0;
      let lanePath = "";
      for (let i = 0; i < iterations; i++) {
        if (i % 5 === 0) {
          // A fresh store now and then keeps each check fast; within a store, every restart
          // takes over the lock the killed writer left.
          lanePath = join(dir, `store-${laneId}-${i}.ndjson`);
          resolved = new Set<number>();
        }
        // Killed after a number of acknowledged writes (not after a time): every kill lands
        // while writes are in flight, however busy the machine is.
        const ids = await runWriterUntilKilled(
          { module: built, export: "openJsonStore", options: { path: lanePath }, firstId: nextId },
          { afterLines: randomInt(random, 1, 300) },
        );
        for (const id of ids) resolved.add(id);
        total += ids.length;

        await using store = await openJsonStore({ path: lanePath, readOnly: true });
        const scan = await store.scan();
        const torn = scan.anomalies.filter((a) => a.type === "TRUNCATED_LINE");
        expect(scan.anomalies.length - torn.length, JSON.stringify(scan.anomalies)).toBe(0);
        expect(torn.length).toBeLessThanOrEqual(1);
        const recovery = await store.recover({ mode: "repair" });
        // Repair removes only the torn line (and keeps it when it is a complete record).
        expect(recovery.dropped_damaged).toBe(
          torn.length > 0 && !torn[0]?.detail.includes("complete record") ? 1 : 0,
        );
        expect(recovery.scan_after.anomalies).toEqual([]);
        const stored = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
        const storedSet = new Set(stored);
        expect(storedSet.size).toBe(stored.length); // nothing duplicated
        for (const id of resolved)
          expect(storedSet.has(id), `resolved id ${id} missing`).toBe(true);
        // The next writer starts past every id this one stored (resolved or still in flight
        // when killed), however many it managed to write.
        for (const id of stored) if (id >= nextId) nextId = id + 1;
      }
      return total;
    };
    const half = Math.ceil(ITERATIONS / 2);
    const totals = await Promise.all([lane(0, half), lane(1, ITERATIONS - half)]);
    expect(totals[0] + totals[1]).toBeGreaterThan(0);
  }, 180_000);

  it("compaction killed midway loses and duplicates no record that retention keeps", async () => {
    const total = 6_000;
    const keep = 2_500;
    const content = `${Array.from({ length: total }, (_, i) => eventLine(i)).join("\n")}\n`;
    const kept = Array.from({ length: keep }, (_, i) => total - keep + i);
    for (let i = 0; i < 8; i++) {
      await writeFile(path, content);
      await runUntilKilled(child, ["compact", path, String(keep)], { afterMs: random() * 40 });
      const lines = (await readFile(path, "utf8")).split("\n").filter(Boolean);
      // Either the old content or the new one, never a mix.
      expect([total, keep]).toContain(lines.length);
      await using store = await openJsonStore({ path, retention: { maxRecords: keep } });
      const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
      expect(ids).toEqual(kept);
      // The writer's open removed any temp file of the interrupted compaction.
      expect((await store.scan()).anomalies).toEqual([]);
    }
  }, 120_000);

  it("recovery killed midway loses and duplicates no valid record", async () => {
    const total = 5_000;
    const lines: string[] = [];
    for (let i = 0; i < total; i++) {
      lines.push(eventLine(i));
      if (i % 499 === 0) lines.push('{"kind": "event", "broken');
    }
    const content = `${lines.join("\n")}\n`;
    const ids = Array.from({ length: total }, (_, i) => i);
    for (let i = 0; i < 8; i++) {
      await writeFile(path, content);
      await runUntilKilled(child, ["recover", path], { afterMs: random() * 40 });
      await using store = await openJsonStore({ path, readOnly: true });
      const report = await store.recover({ mode: "repair" });
      expect(report.scan_after.anomalies).toEqual([]);
      expect((await store.listEvents()).map((e) => (e.payload as { id: number }).id)).toEqual(ids);
    }
  }, 120_000);
});
