import type { Progress } from "@papyra/core";

/** Reports progress over several files as one run. */
export function progressAcross(
  total: number,
  onProgress: ((p: Progress) => void) | undefined,
  phase: Progress["phase"],
): ProgressAcross {
  let before = 0;
  return {
    forFile(): ((p: Progress) => void) | undefined {
      if (!onProgress) return undefined;
      const base = before;
      return (p) => onProgress({ phase, done: base + p.done, total, unit: "bytes" });
    },
    fileDone(bytes: number): void {
      before += bytes;
    },
  };
}

/** Progress reporting across files: a callback for the next file, then the file's size. */
export interface ProgressAcross {
  forFile(): ((p: Progress) => void) | undefined;
  fileDone(bytes: number): void;
}
