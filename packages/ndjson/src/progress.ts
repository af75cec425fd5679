import type { Progress } from "@papyra/core";

/**
 * A progress reporter for one file of `total` bytes: calls `onProgress` at most every 4 MiB
 * (or when forced), and never lets a throwing callback break the operation.
 */
export function progressEvery(
  phase: Progress["phase"],
  total: number,
  onProgress?: (p: Progress) => void,
): (done: number, force?: boolean) => void {
  let last = 0;
  return (done: number, force = false) => {
    if (!onProgress || (!force && done - last < 4 * 1024 * 1024)) return;
    last = done;
    try {
      onProgress({ phase, done, total, unit: "bytes" });
    } catch {
      // progress callbacks must not break the operation
    }
  };
}
