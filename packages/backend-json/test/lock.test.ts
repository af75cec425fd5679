import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import type { PersistenceLockedError } from "@papyra/core";
import { sidecarPaths } from "@papyra/ndjson";
import { readLockHolder } from "@papyra/ndjson/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

const child = join(import.meta.dirname, "crash-child.mjs");

function startHolder(path: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, "hold", path], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    proc.stderr.setEncoding("utf8").on("data", (c: string) => {
      err += c;
    });
    proc.stdout.setEncoding("utf8").on("data", (c: string) => {
      if (c.includes("ready")) resolve(proc);
    });
    proc.on("exit", (code) => reject(new Error(`holder exited (${code}): ${err}`)));
  });
}

function killAndWait(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}

describe("writer lock", () => {
  let dir: string;
  let path: string;
  let holder: ChildProcess | null = null;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
  });
  afterEach(async () => {
    if (holder) await killAndWait(holder);
    holder = null;
    await removeDir(dir);
  });

  it("a second writer in the same process gets PersistenceLockedError naming this pid", async () => {
    await using first = await openJsonStore({ path });
    const error = await openJsonStore({ path }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_LOCKED" });
    expect((error as PersistenceLockedError).code).toBe("PAPYRA_LOCKED");
    expect((error as PersistenceLockedError).holder?.pid).toBe(process.pid);
    expect((error as Error).message).toContain(String(process.pid));
    await first.recordEvent(event(1));
    expect(await first.listEvents()).toHaveLength(1);
  });

  it("closing releases the lock; a new writer can open", async () => {
    const first = await openJsonStore({ path });
    await first.recordEvent(event(1));
    await first.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    await using second = await openJsonStore({ path });
    await second.recordEvent(event(2));
    expect(await second.listEvents()).toHaveLength(2);
  });

  it("a writer in another process blocks writers, compaction and recovery here, not reads", async () => {
    holder = await startHolder(path);
    const error = await openJsonStore({ path }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_LOCKED" });
    expect((error as PersistenceLockedError).holder?.pid).toBe(holder.pid);
    expect((error as Error).message).toContain(`process ${holder.pid}`);

    await using reader = await openJsonStore({ path, readOnly: true });
    expect(await reader.listEvents()).toEqual([]);
    expect((await reader.scan()).anomalies).toEqual([]);
    await expect(reader.compact()).rejects.toMatchObject({ code: "PAPYRA_LOCKED" });
    await expect(reader.recover({ mode: "repair" })).rejects.toMatchObject({
      code: "PAPYRA_LOCKED",
    });
    await expect(reader.recordEvent(event(1))).rejects.toThrow(/read-only/);
  });

  it("the lock of a SIGKILLed writer does not block a restart", async () => {
    holder = await startHolder(path);
    await killAndWait(holder);
    expect(existsSync(join(dirname(path), `.${basename(path)}.lock`))).toBe(true);
    await using store = await openJsonStore({ path });
    await store.recordEvent(event(1));
    expect(await store.listEvents()).toHaveLength(1);
  });

  it("a stale lock whose pid now belongs to an unrelated live process does not block a restart", async () => {
    // The crashed writer's pid was reused: a live process with a later start time runs under it.
    holder = spawn("sleep", ["3600"], { stdio: "ignore" });
    await new Promise((resolve) => holder?.once("spawn", resolve));
    const pid = holder.pid as number;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const lockPath = sidecarPaths(path).lock;
    const stale = {
      pid,
      hostname: hostname(),
      acquiredAt: Date.now() / 1000 - 3600,
      token: "crashed-writer",
      bootId: readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(),
      startTime: String(startTicks - 500),
      startClock: "linux-proc",
    };
    await writeFile(lockPath, JSON.stringify(stale));
    await using store = await openJsonStore({ path });
    await store.recordEvent(event(1));
    expect(await store.listEvents()).toHaveLength(1);
    expect(await readLockHolder(lockPath)).toMatchObject({ pid: process.pid });
    expect(holder.exitCode).toBeNull(); // the unrelated process was left alone
  });
});
