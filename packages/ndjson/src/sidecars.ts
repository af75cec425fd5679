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
