import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode } from "@papyra/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  acquireStoreLock,
  assertNoLiveWriter,
  migrateLegacySidecars,
  readMetricsFile,
  readMetricsFiles,
  resetMetricsFile,
} from "./support/internals.js";

let dir: string;
let store: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "papyra-legacy-"));
  store = join(dir, "s.log");
  await writeFile(store, "");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

const metrics = (counters: Record<string, number>, since: number | null, generation = 0) =>
  JSON.stringify({ counters, since, generation });

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => "resolved",
    (error: { code?: unknown }) => error.code,
  );
}

describe("migrating first-release sidecars (writer open, under the lock)", () => {
  it("renames metrics and checkpoint to their dot names, byte for byte", async () => {
    const counters = metrics({ records_written: 41, scan_operations: 3 }, 1_700_000_000, 2);
    const checkpoint = '{"offset":10,"nextLine":2,"records":1,"dev":1,"ino":2,"hash":"h"}\n';
    await writeFile(`${store}.metrics.json`, counters);
    await writeFile(`${store}.scan.json`, checkpoint);
    await migrateLegacySidecars(store);
    expect((await readdir(dir)).sort()).toEqual([
      ".s.log.metrics.json",
      ".s.log.scan.json",
      "s.log",
    ]);
    expect(await readFile(join(dir, ".s.log.metrics.json"), "utf8")).toBe(counters);
    expect(await readFile(join(dir, ".s.log.scan.json"), "utf8")).toBe(checkpoint);
  });

  it("when both metrics files exist their counters add up; the newer checkpoint wins", async () => {
    await writeFile(join(dir, ".s.log.metrics.json"), metrics({ records_written: 5 }, 100, 4));
    await writeFile(
      `${store}.metrics.json`,
      metrics({ records_written: 7, read_errors: 1 }, 200, 1),
    );
    await writeFile(join(dir, ".s.log.scan.json"), "old");
    await writeFile(`${store}.scan.json`, "newer");
    await utimes(join(dir, ".s.log.scan.json"), 1000, 1000);
    // Reading before the migration already sees the sum, without writing anything.
    expect(
      (await readMetricsFiles(join(dir, ".s.log.metrics.json"), `${store}.metrics.json`)).counters,
    ).toMatchObject({ records_written: 12, read_errors: 1 });
    await migrateLegacySidecars(store);
    expect((await readdir(dir)).sort()).toEqual([
      ".s.log.metrics.json",
      ".s.log.scan.json",
      "s.log",
    ]);
    expect(await readMetricsFile(join(dir, ".s.log.metrics.json"))).toMatchObject({
      counters: { records_written: 12, read_errors: 1 },
      since: 200,
      generation: 4,
    });
    expect(await readFile(join(dir, ".s.log.scan.json"), "utf8")).toBe("newer");
  });

  it("removes first-release temp files of dead processes, keeps those of live ones", async () => {
    const dead = 2 ** 22 + 999;
    const names = [
      `s.log.metrics.json.tmp-${dead}-0a1b2c3d`,
      `s.log.scan.json.tmp-${dead}-0a1b2c3d`,
      `s.log.lock.${dead}-abcd.tmp`,
      `s.log.lock.${dead}-ef01.stale.tmp`,
      `s.log.metrics.json.tmp-${process.pid}-0a1b2c3d`,
    ];
    for (const name of names) await writeFile(join(dir, name), "{}");
    await migrateLegacySidecars(store);
    expect((await readdir(dir)).sort()).toEqual(
      ["s.log", `s.log.metrics.json.tmp-${process.pid}-0a1b2c3d`].sort(),
    );
  });

  it("a first-release sidecar whose removal a crash undid is not counted again, nor after a reset", async () => {
    const current = join(dir, ".s.log.metrics.json");
    const legacy = metrics({ records_written: 7 }, 200, 1);
    await writeFile(current, metrics({ records_written: 5 }, 100, 4));
    await writeFile(`${store}.metrics.json`, legacy);
    await migrateLegacySidecars(store);
    await writeFile(`${store}.metrics.json`, legacy); // the unlink did not reach the disk
    expect(
      (await readMetricsFiles(current, `${store}.metrics.json`)).counters.records_written,
    ).toBe(12);
    await migrateLegacySidecars(store);
    expect(await readdir(dir)).not.toContain("s.log.metrics.json");
    expect((await readMetricsFile(current)).counters.records_written).toBe(12);
    await writeFile(`${store}.metrics.json`, metrics({ records_written: 9 }, null, 3));
    await resetMetricsFile(current, 1234, `${store}.metrics.json`);
    await writeFile(`${store}.metrics.json`, metrics({ records_written: 9 }, null, 3)); // again
    expect(
      (await readMetricsFiles(current, `${store}.metrics.json`)).counters.records_written,
    ).toBe(0);
  });

  it("a reset zeroes an unmigrated first-release sidecar too", async () => {
    await writeFile(`${store}.metrics.json`, metrics({ records_written: 9 }, null, 3));
    await resetMetricsFile(join(dir, ".s.log.metrics.json"), 1234, `${store}.metrics.json`);
    expect(await readdir(dir)).not.toContain("s.log.metrics.json");
    expect(await readMetricsFile(join(dir, ".s.log.metrics.json"))).toMatchObject({
      counters: { records_written: 0 },
      since: 1234,
      generation: 4,
    });
  });
});

describe("the store lock honours a first-release lock", () => {
  const lockOf = (pid: number) =>
    JSON.stringify({ pid, hostname: hostname(), acquiredAt: Date.now() / 1000, token: "old" });

  it("held by a live process (an older version still writing): PAPYRA_LOCKED, nothing left behind", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
      stdio: "ignore",
    });
    children.push(sleeper);
    await writeFile(`${store}.lock`, lockOf(sleeper.pid as number));
    const error = await acquireStoreLock(store, store).catch((e: Error) => e);
    expect((error as { code?: unknown }).code).toBe(ErrorCode.locked);
    expect((error as Error).message).toContain(`process ${sleeper.pid}`);
    expect(await codeOf(assertNoLiveWriter(store, store))).toBe(ErrorCode.locked);
    expect((await readdir(dir)).sort()).toEqual(["s.log", "s.log.lock"]);
    sleeper.kill("SIGKILL");
  });

  it("left by a dead process: removed; the lock taken is the dot name", async () => {
    await writeFile(`${store}.lock`, lockOf(2 ** 22 + 77));
    expect(await codeOf(assertNoLiveWriter(store, store))).toBe("resolved");
    const lock = await acquireStoreLock(store, store);
    expect(lock.path).toBe(join(dir, ".s.log.lock"));
    expect((await readdir(dir)).sort()).toEqual([".s.log.lock", "s.log"]);
    await lock.release();
    expect(await readdir(dir)).toEqual(["s.log"]);
  });
});
