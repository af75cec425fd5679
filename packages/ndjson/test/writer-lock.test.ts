import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LockHolder, PersistenceLockedError } from "@papyra/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  bootId,
  deadPid,
  lockRecord,
  plant,
  procStartTicks,
  spawnZombie,
} from "./lock-fixtures.js";
import { spawnUnrelated, stopProcess } from "./lock-race-helpers.js";
import {
  acquireWriterLock,
  breakerPath,
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
  dir = await mkdtemp(join(tmpdir(), "papyra-lock-"));
  path = join(dir, ".s.lock");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function lockedBy(): Promise<LockHolder | undefined> {
  const error = await acquireWriterLock(path).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: "PAPYRA_LOCKED" });
  return (error as PersistenceLockedError).holder;
}

/** Takes the lock and releases it; the directory is then empty but for `keep`. */
async function takeOver(...keep: string[]) {
  const lock = await acquireWriterLock(path);
  expect(await readLockHolder(path)).toMatchObject({ pid: process.pid, token: lock.holder.token });
  expect((await readdir(dir)).sort()).toEqual([".s.lock", ...keep].sort());
  await lock.release();
}

const start = (pid: number, offset = 0) => ({
  startTime: String(Number(procStartTicks(pid)) + offset),
  startClock: "linux-proc",
  bootId: bootId(),
});

describe("writer lock: who holds it", () => {
  it("records this process's start time (field 22 of /proc/self/stat) and boot id", async () => {
    const lock = await acquireWriterLock(path);
    expect(await readLockHolder(path)).toMatchObject(start(process.pid));
    await lock.release();
  });

  it("a lock whose pid now belongs to an unrelated process (other start time) is taken over", async () => {
    await plant(path, lockRecord(unrelatedPid, start(unrelatedPid, -100)));
    await takeOver();
    await plant(path, lockRecord(unrelatedPid, start(unrelatedPid, +1)));
    await takeOver();
  });

  it("a live holder with the recorded start time, or a lock without one (older version), is respected", async () => {
    const live = await plant(path, lockRecord(unrelatedPid, start(unrelatedPid)));
    expect(await lockedBy()).toMatchObject({ pid: unrelatedPid });
    expect(await readLockHolder(path)).toEqual(live);
    const legacy = await plant(path, lockRecord(unrelatedPid, { bootId: bootId() }));
    expect(await lockedBy()).toMatchObject({ pid: unrelatedPid });
    expect(await readLockHolder(path)).toEqual(legacy);
  });

  it("a start time measured by a clock this platform does not use is judged by liveness alone", async () => {
    await plant(path, lockRecord(unrelatedPid, { startTime: "1", startClock: "ps-lstart" }));
    expect(await lockedBy()).toMatchObject({ pid: unrelatedPid });
  });

  it("a lock from another boot is taken over even when its pid runs", async () => {
    await plant(path, lockRecord(unrelatedPid, { ...start(unrelatedPid), bootId: "another-boot" }));
    await takeOver();
  });

  it("a zombie holder (exited, never reaped) is gone", async () => {
    const { holder, zombie } = await spawnZombie();
    try {
      expect(await procfsProbe.inspect(zombie)).toEqual({ running: false });
      await plant(path, lockRecord(zombie, start(zombie)));
      await takeOver();
    } finally {
      await stopProcess(holder);
    }
  });
});

describe("writer lock: breakers and leftovers", () => {
  it("a stale lock whose breaker's creator died is still taken over, through nested breakers", async () => {
    const stale = await plant(path, lockRecord(await deadPid()));
    const first = await plant(breakerPath(path, stale.token), lockRecord(await deadPid()));
    await plant(breakerPath(path, first.token), lockRecord(await deadPid()));
    await takeOver();
  });

  it("a breaker left after the lock was removed is cleaned up by the next holder", async () => {
    await plant(breakerPath(path, "gone-token"), lockRecord(await deadPid()));
    await takeOver();
  });

  it("a live process's breaker and temp file are never removed; its takeover is waited for", async () => {
    const stale = await plant(path, lockRecord(await deadPid()));
    const breaker = breakerPath(path, stale.token);
    const busy = await plant(breaker, lockRecord(unrelatedPid, start(unrelatedPid)));
    const temp = `${path}.${unrelatedPid}-${busy.token}.tmp`;
    await plant(temp, busy);
    // Old files, so the creator is judged by its start time too, not only by its pid.
    const anHourAgo = Date.now() / 1000 - 3600;
    await utimes(breaker, anHourAgo, anHourAgo);
    await utimes(temp, anHourAgo, anHourAgo);
    expect(await lockedBy()).toMatchObject({ pid: unrelatedPid });
    expect(await readLockHolder(path)).toEqual(stale);
    expect(await readLockHolder(breaker)).toEqual(busy);
    // Once the lock is free, the holder leaves the live process's files alone.
    await rm(path);
    await rm(breaker);
    await takeOver(`.s.lock.${unrelatedPid}-${busy.token}.tmp`);
  });

  it("temp files of dead processes, and of a reused pid, are removed by the next holder", async () => {
    const dead = await deadPid();
    await plant(`${path}.${dead}-abcd.tmp`, lockRecord(dead, { token: "abcd" }));
    const reused = lockRecord(unrelatedPid, { ...start(unrelatedPid, -100), token: "ef01" });
    await plant(`${path}.${unrelatedPid}-ef01.tmp`, reused);
    // Left by a crash a while ago (a young file whose pid runs is taken as in use).
    const anHourAgo = Date.now() / 1000 - 3600;
    await utimes(`${path}.${unrelatedPid}-ef01.tmp`, anHourAgo, anHourAgo);
    // Named as by this pid, with a token this process never used: an earlier incarnation's.
    await plant(`${path}.${process.pid}-0123.tmp`, lockRecord(process.pid, { token: "0123" }));
    await takeOver();
  });

  it("of many takers racing in one process over a stale lock, exactly one wins", async () => {
    await plant(path, lockRecord(await deadPid()));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => acquireWriterLock(path)),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "PAPYRA_LOCKED" });
    }
    await (
      won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireWriterLock>>>
    ).value.release();
    expect(await readdir(dir)).toEqual([]);
  });
});
