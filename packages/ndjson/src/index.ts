// What Papyra's file backends build on, by name: anything else here is an implementation
// detail. Test hooks (a fault-injecting file system, lock inspection) are in "./testing".
export { AppendFile, sealTornTail } from "./append-file.js";
export { findTempFiles, fsyncDirectory, isTempFileOf, TEMP_MARKER } from "./atomic-rewrite.js";
export {
  checkpointMatches,
  makeCheckpoint,
  readCheckpoint,
  type ScanCheckpoint,
  scanCheckpointSchema,
  writeCheckpoint,
} from "./checkpoint.js";
export { compactFile } from "./compact-file.js";
export { FileSink } from "./file-sink.js";
export {
  FileStore,
  type FileStoreSettings,
  type ScanEffects,
  type StoreSink,
} from "./file-store.js";
export { type FollowFilesOptions, followFiles } from "./follow-files.js";
export {
  type BatchSink,
  BatchWriteError,
  batchBytes,
  type Durability,
  type LineBatch,
} from "./group-commit.js";
export {
  closePinned,
  type IterateFilesOptions,
  iterateFiles,
  iterateStoreFiles,
  type PinnedFile,
  pinFiles,
} from "./iterate-files.js";
export { readJsonFile, writeJsonAtomic } from "./json-file.js";
export { listFromTail } from "./list.js";
export { quarantineCopy, quarantineTarget } from "./quarantine.js";
export { repairFile, rewriteKeeping } from "./rewrite-file.js";
export { type FileScanResult, scanFile, scanFileTail } from "./scan-file.js";
export { isSidecarFile, sidecarPaths } from "./sidecars.js";
export { makeDirectories, nodeStoreFs, type StoreFs, storeFs } from "./store-fs.js";
export { type FileShape, refuseNonStore } from "./store-shape.js";
