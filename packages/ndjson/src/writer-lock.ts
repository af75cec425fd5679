import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { ErrorCode, PersistenceLockedError, PersistenceUnavailableError } from "@papyra/core";
import {
  breakStaleFile,
  type LockAttempt,
  linkExclusive,
  removeLockLeftovers,
} from "./lock-breaker.js";
import { type LockRecord, lockTempPath, readLockHolder } from "./lock-record.js";
import { isStaleHolder, liveTokens } from "./lock-staleness.js";
import { defaultProcessProbe, type ProcessProbe } from "./process-probe.js";
import { storeFs } from "./store-fs.js";

export { breakerPath, type LockRecord, readLockHolder } from "./lock-record.js";
export { isStaleHolder, type StalenessOptions } from "./lock-staleness.js";
export * from "./process-probe.js";

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

/** Our own start time per probe: it never changes, and `ps` is worth running once. */
const ownStart = new WeakMap<ProcessProbe, Promise<string | undefined>>();

/** Options of {@link acquireWriterLock}. */
export interface AcquireLockOptions {
  /** Names the store in the PersistenceLockedError. Default: the lock path. */
  location?: string;
  /** How processes are inspected. Default: {@link defaultProcessProbe} (tests inject others). */
  probe?: ProcessProbe;
}

/** Attempts to link the lock before giving up (each stale lock removed costs one). */
const MAX_ATTEMPTS = 100;

/**
 * Takes the writer lock at `lockPath`. The lock file is written completely under a temporary
 * name, then hard-linked into place, which fails atomically if a lock exists, so a reader never
 * sees a half-written lock. An existing lock held by a live process (this one included) fails
 * with PersistenceLockedError naming it. A stale lock (see {@link isStaleHolder}) is removed by
 * the one process that wins its breaker (see `breakStaleFile`), then taking it is tried again:
 * however many processes race, one writer holds the lock. A missing directory fails with
 * PersistenceUnavailableError. Every file it creates is named `<lockPath>.*.tmp`.
 */
export async function acquireWriterLock(
  path: string,
  options: AcquireLockOptions = {},
): Promise<WriterLock> {
  const lockPath = resolve(path);
  const location = options.location ?? lockPath;
  const inProcess = heldInProcess.get(lockPath);
  if (inProcess) throw new PersistenceLockedError(location, inProcess);
  const probe = options.probe ?? defaultProcessProbe();
  const record = await newRecord(probe);
  const attempt: LockAttempt = { lockPath, temp: lockTempPath(lockPath, record), record, probe };
  liveTokens.add(record.token);
  let held = false;
  try {
    await writeLockTemp(attempt.temp, `${JSON.stringify(record)}\n`);
    held = await takeLock(attempt, location);
    // The holder tidies up what crashed takers left (it needs its temp file to break breakers).
    await removeLockLeftovers(attempt).catch(() => {});
    heldInProcess.set(lockPath, record);
    return makeLock(lockPath, record);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === ErrorCode.locked || code === ErrorCode.unavailable) throw error;
    throw new PersistenceUnavailableError(
      `Cannot create the writer lock ${lockPath}: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await storeFs()
      .unlink(attempt.temp)
      .catch(() => {});
    if (!held) liveTokens.delete(record.token);
  }
}

async function newRecord(probe: ProcessProbe): Promise<LockRecord> {
  const record: LockRecord = {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: Date.now() / 1000,
    token: randomBytes(8).toString("hex"),
  };
  const boot = probe.bootId();
  if (boot) record.bootId = boot;
  let start = ownStart.get(probe);
  if (!start) {
    start = probe
      .inspect(process.pid)
      .then((state) => (state.running ? state.startTime : undefined));
    ownStart.set(probe, start);
  }
  const startTime = await start;
  if (startTime === undefined) ownStart.delete(probe); // ask again next time (ps may have failed)
  if (startTime !== undefined && probe.clock) {
    record.startTime = startTime;
    record.startClock = probe.clock;
  }
  return record;
}

/** Links the lock into place, breaking stale locks; true once held, else throws. */
async function takeLock(attempt: LockAttempt, location: string): Promise<boolean> {
  const { lockPath } = attempt;
  let busyWith: LockRecord | undefined;
  for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
    if (await linkExclusive(attempt.temp, lockPath)) return true;
    const holder = await readLockHolder(lockPath);
    if (holder === null) {
      // Vanished (released right now), or unreadable: written by an older version in place.
      const st = await stat(lockPath).catch(() => null);
      if (st === null) continue;
      if (Date.now() - st.mtimeMs < 2000) {
        await pause(50);
        continue;
      }
      throw new PersistenceLockedError(location, undefined);
    }
    if (!(await isStaleHolder(holder, { probe: attempt.probe }))) {
      throw new PersistenceLockedError(location, holder);
    }
    const outcome = await breakStaleFile(attempt, lockPath, holder.token);
    if (!outcome.done) {
      // A live process is taking the stale lock over right now: let it finish, then look again.
      busyWith = outcome.by;
      await pause(5 + Math.floor(Math.random() * 20));
    }
  }
  throw new PersistenceLockedError(
    location,
    busyWith ?? (await readLockHolder(lockPath)) ?? undefined,
  );
}

function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function makeLock(lockPath: string, record: LockRecord): WriterLock {
  let released = false;
  return {
    path: lockPath,
    holder: record,
    async release() {
      if (released) return;
      released = true;
      try {
        const current = await readLockHolder(lockPath);
        if (current?.token === record.token)
          await storeFs()
            .unlink(lockPath)
            .catch(() => {});
      } finally {
        // Our token stays live until the file is gone: until then nobody may judge it stale.
        if (heldInProcess.get(lockPath)?.token === record.token) heldInProcess.delete(lockPath);
        liveTokens.delete(record.token);
      }
    },
  };
}

/** The lock this process holds at `lockPath`, if any. */
export function heldLock(lockPath: string): LockRecord | undefined {
  return heldInProcess.get(resolve(lockPath));
}

/**
 * Writes a lock attempt's temp file completely (created exclusively) and fdatasyncs it before
 * it is linked into place as the lock or a breaker: otherwise a power cut can keep the link
 * but not the bytes, and an empty lock or breaker file, whose holder cannot be judged, blocks
 * every restart (found by the power-loss explorer).
 */
async function writeLockTemp(path: string, text: string): Promise<void> {
  const fs = storeFs();
  const bytes = Buffer.from(text, "utf8");
  const fd = await fs.open(path, "wx", 0o644);
  try {
    let done = 0;
    while (done < bytes.length) done += await fs.write(fd, bytes, done, bytes.length - done);
    await fs.fdatasync(fd);
  } finally {
    await fs.close(fd);
  }
}
