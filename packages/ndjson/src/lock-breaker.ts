import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { PersistenceUnavailableError } from "@papyra/core";
import { breakerPath, classifyLockHelper, type LockRecord, readLockHolder } from "./lock-record.js";
import { isStaleHolder, liveTokens } from "./lock-staleness.js";
import { type ProcessProbe, processExists } from "./process-probe.js";
import { storeFs } from "./store-fs.js";

/**
 * One attempt to take a lock: its lock path, the complete temp file carrying our record (linked
 * into place as the lock, or as a breaker), and the probe judging other processes.
 */
export interface LockAttempt {
  readonly lockPath: string;
  readonly temp: string;
  readonly record: LockRecord;
  readonly probe: ProcessProbe;
}

/**
 * How a break ended: `done` (the file is gone or was never the one meant: look again), or
 * `busy` (a live process is breaking it right now; `by` is that process).
 */
export type BreakOutcome = { done: true } | { done: false; by: LockRecord | undefined };

/** Breakers of crashed breakers nest at most this deep (each level needs a crash in a tiny window). */
const MAX_BREAK_DEPTH = 8;

const done: BreakOutcome = { done: true };

/** A helper file younger than this, whose creator's pid runs, is live without further probing. */
const YOUNG_HELPER_MS = 10_000;

/** link(2) that answers false on EEXIST; other failures are the caller's. */
export async function linkExclusive(from: string, to: string): Promise<boolean> {
  try {
    await storeFs().link(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await storeFs().unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Removes `target` if it still carries `token`, whose creator was judged stale. Only the
 * process that creates `breakerPath(lock, token)` exclusively may do so, and nobody else
 * removes a file carrying that token, so the file re-read under the breaker cannot be replaced
 * before it is unlinked: a fresh lock (another token) is never removed. A breaker whose
 * creator died is removed by the same rule one level up, at most MAX_BREAK_DEPTH levels.
 */
export async function breakStaleFile(
  attempt: LockAttempt,
  target: string,
  token: string,
  depth = 0,
): Promise<BreakOutcome> {
  const breaker = breakerPath(attempt.lockPath, token);
  if (await linkExclusive(attempt.temp, breaker)) {
    try {
      const current = await readLockHolder(target);
      if (current?.token === token) await unlinkIfPresent(target);
    } finally {
      await unlinkIfPresent(breaker);
    }
    return done;
  }
  const creator = await readLockHolder(breaker);
  if (creator === null) return done; // the breaker finished in between
  if (!(await helperCreatorGone(breaker, creator, attempt.probe))) {
    return { done: false, by: creator };
  }
  if (depth >= MAX_BREAK_DEPTH) {
    throw new PersistenceUnavailableError(
      `Cannot take over the writer lock ${attempt.lockPath}: ${MAX_BREAK_DEPTH} nested breaker files of crashed processes. Stop every writer of this store, then remove ${attempt.lockPath}.break-*.tmp.`,
    );
  }
  return breakStaleFile(attempt, breaker, creator.token, depth + 1);
}

/**
 * Removes what crashed processes left beside the lock: temp files of lock attempts and
 * breakers. A file is removed only when its creator is judged stale, and breakers only through
 * {@link breakStaleFile}, so a live process never loses one.
 */
export async function removeLockLeftovers(attempt: LockAttempt): Promise<void> {
  const dir = dirname(attempt.lockPath);
  const prefix = `${basename(attempt.lockPath)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const path = join(dir, name);
    const helper = classifyLockHelper(name.slice(prefix.length));
    if (helper.kind === "breaker") {
      const creator = await readLockHolder(path);
      if (creator && (await helperCreatorGone(path, creator, attempt.probe))) {
        await breakStaleFile(attempt, path, creator.token, 1).catch(() => {});
      }
    } else if (helper.kind === "temp" && path !== attempt.temp) {
      if (await tempIsStale(path, helper.pid, helper.token, attempt.probe)) {
        await storeFs()
          .unlink(path)
          .catch(() => {});
      }
    }
  }
}

/** A temp file is judged by its own record when it is one (start time), else by its pid. */
async function tempIsStale(
  path: string,
  pid: number,
  token: string,
  probe: ProcessProbe,
): Promise<boolean> {
  if (pid === process.pid) return !liveTokens.has(token);
  if (processExists(pid) && (await isYoung(path))) return false; // another taker, right now
  const content = await readLockHolder(path);
  if (content && content.pid === pid && content.token === token) {
    return helperCreatorGone(path, content, probe);
  }
  // Still being written, or a lock moved aside by an older version: the pid in its name decides.
  return !(await probe.inspect(pid)).running;
}

/**
 * Whether the creator of a helper file (breaker or temp) is gone. Such files live for moments,
 * so a young one whose pid runs is taken as live without asking for its start time (with `ps`
 * that costs a process spawn per look): answering "live" is always safe, and a file of a
 * crashed creator whose pid was reused at once is judged fully once it is older.
 */
async function helperCreatorGone(
  path: string,
  record: LockRecord,
  probe: ProcessProbe,
): Promise<boolean> {
  if (record.pid !== process.pid && processExists(record.pid) && (await isYoung(path))) {
    return false;
  }
  return isStaleHolder(record, { probe });
}

async function isYoung(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => null);
  return st !== null && Date.now() - st.mtimeMs < YOUNG_HELPER_MS;
}
