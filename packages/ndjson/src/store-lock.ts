import { stat } from "node:fs/promises";
import { PersistenceLockedError } from "@papyra/core";
import { legacySidecarPaths, sidecarPaths } from "./sidecars.js";
import {
  acquireWriterLock,
  isStaleHolder,
  readLockHolder,
  type WriterLock,
} from "./writer-lock.js";

/**
 * Takes the writer lock of the store file `path` (`.<name>.lock`). A first-release lock
 * (`<name>.lock`) beside it is honoured: held by a live process (an older version still
 * writing) it fails with PersistenceLockedError naming that process, as a current lock would;
 * a stale one is taken over and removed. Both go through `acquireWriterLock`, so every rule of
 * the lock (stale detection, races) applies to the old name as well.
 */
export async function acquireStoreLock(path: string, location: string): Promise<WriterLock> {
  const lock = await acquireWriterLock(sidecarPaths(path).lock, { location });
  try {
    const legacy = legacySidecarPaths(path).lock;
    if (await stat(legacy).catch(() => null)) {
      const old = await acquireWriterLock(legacy, { location });
      await old.release();
    }
  } catch (error) {
    await lock.release();
    throw error;
  }
  return lock;
}

/**
 * Fails with PersistenceLockedError when a live process holds the store's writer lock (either
 * name), without taking or changing anything: what a dry run checks so that it reports what
 * the real operation would meet, while leaving every file as it was.
 */
export async function assertNoLiveWriter(path: string, location: string): Promise<void> {
  for (const lockPath of [sidecarPaths(path).lock, legacySidecarPaths(path).lock]) {
    const holder = await readLockHolder(lockPath);
    if (holder && !(await isStaleHolder(holder))) {
      throw new PersistenceLockedError(location, holder);
    }
  }
}
