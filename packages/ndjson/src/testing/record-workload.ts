import { setStoreFs } from "../store-fs.js";
import type { FsLog } from "./fs-log.js";
import { RecordingFs, type RecordingFsOptions } from "./recording-fs.js";

/** A workload's log, with what the recorder noticed. */
export interface RecordedWorkload {
  log: FsLog;
  /** Sync call sites met (for mutation runs). */
  syncSites: string[];
  /** Files the stores changed without the recorder seeing them created (should be none). */
  untracked: string[];
}

/**
 * Runs `workload` with every store of this process writing through a {@link RecordingFs}
 * rooted at `root` (files already there are the durable baseline), then puts the previous
 * layer back. Run one workload at a time: the layer is process-wide.
 */
export async function recordWorkload(
  root: string,
  workload: (recorder: RecordingFs) => Promise<unknown>,
  options: RecordingFsOptions = {},
): Promise<RecordedWorkload> {
  const recorder = new RecordingFs(root, options);
  const previous = setStoreFs(recorder);
  try {
    await workload(recorder);
  } finally {
    setStoreFs(previous);
  }
  return {
    log: recorder.log(),
    syncSites: [...recorder.syncSites],
    untracked: [...recorder.untracked],
  };
}
