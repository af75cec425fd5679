import type { ChildProcess } from "node:child_process";
import { chmod, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deadPid, lockRecord, plant, procStartTicks, psStartSeconds } from "./lock-fixtures.js";
import { spawnUnrelated, stopProcess } from "./lock-race-helpers.js";
import {
  acquireWriterLock,
  createPsProbe,
  type ProcessProbe,
  parseLstart,
  procfsProbe,
  readLockHolder,
} from "./support/internals.js";

let dir: string;
let path: string;
let unrelated: ChildProcess;
let unrelatedPid: number;
beforeAll(async () => {
  unrelated = await spawnUnrelated();
  unrelatedPid = unrelated.pid as number;
});
afterAll(() => stopProcess(unrelated));
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "papyra-probe-"));
  path = join(dir, ".s.lock");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function outcome(probe: ProcessProbe): Promise<"acquired" | "locked"> {
  try {
    await (await acquireWriterLock(path, { probe })).release();
    return "acquired";
  } catch (error) {
    expect(error).toMatchObject({ code: "PAPYRA_LOCKED" });
    return "locked";
  }
}

// Where /proc is missing the lock asks `ps`; on Linux it is run here for real.
describe("ps fallback", () => {
  const ps = createPsProbe();
  const psStart = (pid: number, offset = 0) => ({
    startTime: String(psStartSeconds(pid) + offset),
    startClock: "ps-lstart",
  });

  it("records the holder's start time from ps (epoch seconds, clock ps-lstart)", async () => {
    const lock = await acquireWriterLock(path, { probe: ps });
    const holder = await readLockHolder(path);
    expect(holder?.startClock).toBe("ps-lstart");
    expect(Math.abs(Number(holder?.startTime) - psStartSeconds(process.pid))).toBeLessThanOrEqual(
      1,
    );
    await lock.release();
  });

  it("takes over a dead pid and a reused pid; respects a live holder and an older version's lock", async () => {
    await plant(path, lockRecord(await deadPid(), psStart(unrelatedPid)));
    expect(await outcome(ps)).toBe("acquired");
    await plant(path, lockRecord(unrelatedPid, psStart(unrelatedPid, -100)));
    expect(await outcome(ps)).toBe("acquired");
    await plant(path, lockRecord(unrelatedPid, psStart(unrelatedPid)));
    expect(await outcome(ps)).toBe("locked");
    await plant(path, lockRecord(unrelatedPid));
    expect(await outcome(ps)).toBe("locked");
    expect(await readdir(dir)).toEqual([".s.lock"]);
  });

  it("when ps is missing or hangs, a live pid counts as alive (a dead one is still taken over)", async () => {
    const hanging = join(dir, "hanging-ps");
    await writeFile(hanging, "#!/bin/sh\nexec sleep 3600\n");
    await chmod(hanging, 0o755);
    for (const probe of [
      createPsProbe({ command: join(dir, "no-such-ps") }),
      createPsProbe({ command: hanging, timeoutMs: 200 }),
    ]) {
      await plant(path, lockRecord(unrelatedPid, psStart(unrelatedPid, -100)));
      expect(await outcome(probe)).toBe("locked");
      await plant(path, lockRecord(await deadPid(), psStart(unrelatedPid)));
      expect(await outcome(probe)).toBe("acquired");
    }
  });

  it("parses lstart in the C locale", () => {
    expect(parseLstart("Mon Nov  3 09:55:17 2026")).toBe(Date.UTC(2026, 10, 3, 9, 55, 17) / 1000);
    expect(parseLstart("Thu Jan  1 00:00:00 1970")).toBe(0);
    expect(parseLstart("lun. 3 nov. 2026")).toBeUndefined();
  });
});

describe("procfs probe", () => {
  it("reads the start time after the command name, whatever the name holds", async () => {
    const strange = join(dir, "a) (b c");
    await writeFile(strange, "#!/bin/sh\nexec sleep 3600\n");
    await chmod(strange, 0o755);
    const { spawn } = await import("node:child_process");
    const proc = spawn(strange, [], { stdio: "ignore" });
    await new Promise((resolve) => proc.once("spawn", resolve));
    try {
      const state = await procfsProbe.inspect(proc.pid as number);
      expect(state).toEqual({ running: true, startTime: procStartTicks(proc.pid as number) });
    } finally {
      await stopProcess(proc);
    }
    expect(await procfsProbe.inspect(proc.pid as number)).toEqual({ running: false });
  });
});
