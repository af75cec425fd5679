import { isTempFileOf } from "./atomic-rewrite.js";

/** Paths of the small files kept beside a store file `path`. */
export interface SidecarPaths {
  /** Writer lock: `<path>.lock`. */
  lock: string;
  /** Durable metrics: `<path>.metrics.json`. */
  metrics: string;
  /** Incremental-scan checkpoint: `<path>.scan.json`. */
  checkpoint: string;
}

/** The sidecar files of a store whose main file is `path`. */
export function sidecarPaths(path: string): SidecarPaths {
  return { lock: `${path}.lock`, metrics: `${path}.metrics.json`, checkpoint: `${path}.scan.json` };
}

/** True when `name` (a bare file name) is one of the sidecars of a store file named `base`. */
export function isSidecarName(base: string, name: string): boolean {
  return name === `${base}.lock` || name === `${base}.metrics.json` || name === `${base}.scan.json`;
}

/**
 * True when `name` (a bare file name) is a sidecar of a store file named `base`, or one of the
 * short-lived files a sidecar is written through: `<sidecar>.tmp-<pid>-<hex>` (an atomic
 * rewrite), `<lock>.<pid>-<token>.tmp` and `<lock>.<pid>-<hex>.stale.tmp` (taking the writer
 * lock), `<metrics>.lock` (a metrics flush). None of these is a leftover of the store's data.
 */
export function isSidecarFile(base: string, name: string): boolean {
  if (isSidecarName(base, name)) return true;
  const { lock, metrics, checkpoint } = sidecarPaths(base);
  if (name === `${metrics}.lock`) return true;
  if ([lock, metrics, checkpoint].some((sidecar) => isTempFileOf(sidecar, name))) return true;
  return name.startsWith(`${lock}.`) && name.endsWith(".tmp");
}
