import { copyFile, mkdir, open } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { fsyncDirectory } from "./atomic-rewrite.js";

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
  await mkdir(dir, { recursive: true });
  const target = quarantineTarget(path, dir);
  await copyFile(path, target);
  const handle = await open(target, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDirectory(dir);
  return target;
}
