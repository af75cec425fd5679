import { basename, dirname, join, resolve } from "node:path";
import { fsyncDirectory } from "./atomic-rewrite.js";
import { makeDirectories, storeFs } from "./store-fs.js";

/**
 * Where a quarantine copy of `path` goes: `<dir>/quarantined-<stamp>-<name>`, so a copy never
 * matches the store's own file pattern. `stamp` defaults to the time and a random part.
 */
export function quarantineTarget(path: string, quarantineDir: string, stamp?: string): string {
  const time = new Date().toISOString().replace(/[-:.]/g, "");
  const random = Math.random().toString(16).slice(2, 8);
  return join(
    resolve(quarantineDir),
    `quarantined-${stamp ?? `${time}-${random}`}-${basename(path)}`,
  );
}

/**
 * Copies a damaged file into `quarantineDir` (created if missing) as
 * `quarantined-<time>-<random>-<name>` ({@link quarantineTarget}), fsynced. Returns the
 * copy's path.
 */
export async function quarantineCopy(path: string, quarantineDir: string): Promise<string> {
  const dir = resolve(quarantineDir);
  const fs = storeFs();
  // A directory made here must be in its parent on disk too, or a power cut can lose the
  // copy while the repaired file has already replaced the original (found by the
  // power-loss explorer).
  for (const made of await makeDirectories(dir)) await fsyncDirectory(dirname(made));
  const target = quarantineTarget(path, dir);
  await fs.copyFile(path, target);
  const fd = await fs.open(target, "r+");
  try {
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
  await fsyncDirectory(dir);
  return target;
}
