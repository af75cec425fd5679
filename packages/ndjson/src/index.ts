export * from "./append-file.js";
export * from "./append-fs.js";
export * from "./atomic-rewrite.js";
export * from "./checkpoint.js";
export * from "./compact-file.js";
export * from "./decode.js";
export * from "./durable-metrics.js";
export * from "./file-store.js";
export * from "./follow-files.js";
export * from "./group-commit.js";
export * from "./iterate-files.js";
export * from "./json-file.js";
export * from "./legacy-sidecars.js";
export * from "./line-chunks.js";
export * from "./list.js";
export * from "./quarantine.js";
export * from "./read-lines.js";
export {
  type FileRewriteResult,
  type RepairFileOptions,
  type RewriteKeepingOptions,
  repairFile,
  rewriteKeeping,
} from "./rewrite-file.js";
export {
  type FileScanOptions,
  type FileScanResult,
  lineAnomaly,
  type StoredRecordInfo,
  scanFile,
  scanFileTail,
} from "./scan-file.js";
export * from "./sidecars.js";
export * from "./store-errors.js";
export * from "./store-lock.js";
export { type FileShape, notAStoreReason, refuseNonStore } from "./store-shape.js";
export * from "./writer-lock.js";
