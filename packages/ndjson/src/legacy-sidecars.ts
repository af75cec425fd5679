import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fsyncDirectory } from "./atomic-rewrite.js";
import { migrateMetricsFile } from "./durable-metrics.js";
import { legacySidecarPaths, sidecarPaths } from "./sidecars.js";
import { storeFs } from "./store-fs.js";

/**
 * Migrates the first-release sidecars of the store file `path` (`<name>.metrics.json`,
 * `<name>.scan.json`) to their current names (`.<name>.*`), losing no counter and no
 * checkpoint, and removes the first release's short-lived files left by dead processes. Call
 * it when opening for writing, holding the writer lock (see `acquireStoreLock`, which also
 * deals with a first-release `<name>.lock`).
 */
export async function migrateLegacySidecars(path: string): Promise<void> {
  const current = sidecarPaths(path);
  const legacy = legacySidecarPaths(path);
  await migrateMetricsFile(current.metrics, legacy.metrics);
  await migrateCheckpoint(current.checkpoint, legacy.checkpoint);
  await removeDeadLegacyTemps(path);
}

/** Renames a first-release checkpoint into place, unless the current one is newer. */
async function migrateCheckpoint(path: string, legacyPath: string): Promise<void> {
  const legacy = await stat(legacyPath).catch(() => null);
  if (!legacy) return;
  const current = await stat(path).catch(() => null);
  // The newer one describes more of the store; the other is only an older starting point.
  if (!current || legacy.mtimeMs > current.mtimeMs) await storeFs().rename(legacyPath, path);
  else await storeFs().unlink(legacyPath);
  await fsyncDirectory(dirname(path));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid a first-release short-lived sidecar file was made by, or null when `name` is none. */
function legacyTempPid(path: string, name: string): number | null {
  const legacy = legacySidecarPaths(basename(path));
  let rest: string | undefined;
  for (const sidecar of [legacy.metrics, legacy.checkpoint]) {
    if (name.startsWith(`${sidecar}.tmp-`)) rest = name.slice(sidecar.length + 5);
  }
  if (name.startsWith(`${legacy.lock}.`) && name.endsWith(".tmp")) {
    rest = name.slice(legacy.lock.length + 1);
  }
  if (rest === undefined) return null;
  const pid = Number(rest.split("-")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Removes first-release sidecar temp files and lock temp files of processes that are gone. */
async function removeDeadLegacyTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    const pid = legacyTempPid(path, name);
    if (pid !== null && pid !== process.pid && !processAlive(pid)) {
      await storeFs()
        .unlink(join(dir, name))
        .catch(() => {});
    }
  }
}
