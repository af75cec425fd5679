import { basename, dirname, join } from "node:path";
import { isTempFileOf } from "./atomic-rewrite.js";

/** Paths of the small files kept beside a store file `path`. */
export interface SidecarPaths {
  /** Writer lock: `.<name>.lock`. */
  lock: string;
  /** Durable metrics: `.<name>.metrics.json`. */
  metrics: string;
  /** Incremental-scan checkpoint: `.<name>.scan.json`. */
  checkpoint: string;
}

/**
 * The sidecar files of a store whose main file is `path`: `.<name>.lock`,
 * `.<name>.metrics.json`, `.<name>.scan.json`. The leading dot keeps every one of them (and
 * every file written through them) out of `<name>*`, which tools (the earlier implementation
 * included) read as the store's rotated segments (SPEC §9).
 */
export function sidecarPaths(path: string): SidecarPaths {
  const hidden = join(dirname(path), `.${basename(path)}`);
  return {
    lock: `${hidden}.lock`,
    metrics: `${hidden}.metrics.json`,
    checkpoint: `${hidden}.scan.json`,
  };
}

/**
 * The sidecar names of the first release (`<name>.lock`, `<name>.metrics.json`,
 * `<name>.scan.json`). A writer migrates them on open; readers read them when the new ones
 * are missing; a live holder of the old lock still blocks a writer.
 */
export function legacySidecarPaths(path: string): SidecarPaths {
  return { lock: `${path}.lock`, metrics: `${path}.metrics.json`, checkpoint: `${path}.scan.json` };
}

function names(paths: SidecarPaths): string[] {
  return [paths.lock, paths.metrics, paths.checkpoint];
}

/** True when `name` (a bare file name) is one of the sidecars (either naming) of a store file named `base`. */
export function isSidecarName(base: string, name: string): boolean {
  return [...names(sidecarPaths(base)), ...names(legacySidecarPaths(base))].includes(name);
}

/**
 * True when `name` (a bare file name) is a sidecar of a store file named `base` (either
 * naming), or one of the short-lived files a sidecar is written through:
 * `<sidecar>.tmp-<pid>-<hex>` (an atomic rewrite), `<lock>.<pid>-<token>.tmp` and
 * `<lock>.<pid>-<hex>.stale.tmp` (taking the writer lock), `<metrics>.lock` (a metrics flush).
 * None of these is a leftover of the store's data.
 */
export function isSidecarFile(base: string, name: string): boolean {
  if (isSidecarName(base, name)) return true;
  for (const { lock, metrics, checkpoint } of [sidecarPaths(base), legacySidecarPaths(base)]) {
    if (name === `${metrics}.lock`) return true;
    if ([lock, metrics, checkpoint].some((sidecar) => isTempFileOf(sidecar, name))) return true;
    if (name.startsWith(`${lock}.`) && name.endsWith(".tmp")) return true;
  }
  return false;
}

/** True when `name` (a bare file name) is a first-release sidecar name or one of its short-lived files. */
export function isLegacySidecarFile(base: string, name: string): boolean {
  return isSidecarFile(base, name) && !name.startsWith(`.${base}`);
}
