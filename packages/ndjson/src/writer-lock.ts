import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { link, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { type LockHolder, PersistenceLockedError, PersistenceUnavailableError } from "@papyra/core";
import { z } from "zod";

/** What a lock file records about its holder. */
export interface LockRecord extends LockHolder {
  acquiredAt: number;
  /** Kernel boot id, so a lock from before a reboot is recognised as stale. */
  bootId?: string;
  /** Random token telling two holders with the same pid apart. */
  token: string;
}

const lockRecordSchema = z.looseObject({
  pid: z.number().int().positive(),
  hostname: z.string(),
  acquiredAt: z.number(),
  bootId: z.string().optional(),
  token: z.string(),
});

/** A held writer lock. Release it when the writer closes. */
export interface WriterLock {
  /** The lock file. */
  readonly path: string;
  /** What the lock file records (this process). */
  readonly holder: LockRecord;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/** Locks this process holds, by lock path: a second writer in the same process is refused too. */
const heldInProcess = new Map<string, LockRecord>();

function currentBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Reads the holder recorded in a lock file; null when there is none or it is unreadable. */
export async function readLockHolder(lockPath: string): Promise<LockRecord | null> {
  let text: string;
  try {
    text = await readFile(lockPath, "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = lockRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a recorded holder is certainly gone: same host, and either a different boot, or our
 * own pid while this process does not hold it (a previous incarnation, e.g. pid 1 in a
 * container), or a pid that no longer exists. Locks of other hosts are never judged stale.
 */
export function isStaleHolder(record: LockRecord, lockPath: string): boolean {
  if (record.hostname !== hostname()) return false;
  const boot = currentBootId();
  if (record.bootId && boot && record.bootId !== boot) return true;
  if (record.pid === process.pid)
    return heldInProcess.get(resolve(lockPath))?.token !== record.token;
  return !processAlive(record.pid);
}

/** Options of {@link acquireWriterLock}. */
export interface AcquireLockOptions {
  /** Names the store in the PersistenceLockedError. Default: the lock path. */
  location?: string;
}

/**
 * Takes the writer lock at `lockPath` (e.g. `store.ndjson.lock`). The lock file is written
 * completely under a temporary name, then hard-linked into place, which fails atomically if a
 * lock exists, so a reader never sees a half-written lock. An existing lock held by a live
 * process (this one included) fails with PersistenceLockedError naming it; a stale lock of a
 * dead process on this host is taken over. A missing directory fails with
 * PersistenceUnavailableError.
 */
export async function acquireWriterLock(
  path: string,
  options: AcquireLockOptions = {},
): Promise<WriterLock> {
  const lockPath = resolve(path);
  const location = options.location ?? lockPath;
  const inProcess = heldInProcess.get(lockPath);
  if (inProcess) throw new PersistenceLockedError(location, inProcess);
  const record: LockRecord = {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: Date.now() / 1000,
    token: randomBytes(8).toString("hex"),
  };
  const boot = currentBootId();
  if (boot) record.bootId = boot;
  await removeDeadTempLocks(lockPath);
  const temp = `${lockPath}.${process.pid}-${record.token}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(record)}\n`, { flag: "wx", mode: 0o644 });
  } catch (error) {
    throw new PersistenceUnavailableError(
      `Cannot create the writer lock ${lockPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await link(temp, lockPath);
        heldInProcess.set(lockPath, record);
        return makeLock(lockPath, record);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          throw new PersistenceUnavailableError(
            `Cannot create the writer lock ${lockPath}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      const holder = await readLockHolder(lockPath);
      if (holder === null) {
        // Unreadable or vanished: a lock written by an older version or being released right now.
        const st = await stat(lockPath).catch(() => null);
        if (st === null) continue;
        if (Date.now() - st.mtimeMs < 2000) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        throw new PersistenceLockedError(location, undefined);
      }
      if (!isStaleHolder(holder, lockPath)) throw new PersistenceLockedError(location, holder);
      await removeStaleLock(lockPath, holder);
    }
    throw new PersistenceLockedError(location, (await readLockHolder(lockPath)) ?? undefined);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * Moves a stale lock aside, then checks that what moved is the stale lock it inspected; if
 * another process took the lock over in between, its fresh lock is put back.
 */
async function removeStaleLock(lockPath: string, stale: LockRecord): Promise<void> {
  const aside = `${lockPath}.${process.pid}-${randomBytes(4).toString("hex")}.stale.tmp`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else moved it first; try again
  }
  const moved = await readLockHolder(aside);
  if (moved && moved.token !== stale.token) {
    await link(aside, lockPath).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

/** Removes `<lock>.<pid>-<token>.tmp` files of dead processes (killed while taking the lock). */
async function removeDeadTempLocks(lockPath: string): Promise<void> {
  const prefix = `${basename(lockPath)}.`;
  const names = await readdir(dirname(lockPath)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
      await unlink(join(dirname(lockPath), name)).catch(() => {});
    }
  }
}

function makeLock(lockPath: string, record: LockRecord): WriterLock {
  let released = false;
  return {
    path: lockPath,
    holder: record,
    async release() {
      if (released) return;
      released = true;
      if (heldInProcess.get(lockPath)?.token === record.token) heldInProcess.delete(lockPath);
      const current = await readLockHolder(lockPath);
      if (current?.token === record.token) await unlink(lockPath).catch(() => {});
    },
  };
}

/** The lock this process holds at `lockPath`, if any. */
export function heldLock(lockPath: string): LockRecord | undefined {
  return heldInProcess.get(resolve(lockPath));
}
