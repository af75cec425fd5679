/**
 * Test hooks of the file stores (`@papyra/ndjson/testing`): the swappable file-system layer,
 * its recording implementation, and the power-loss crash-state explorer built on it. Not for
 * production use.
 */
export { type AppendFs, nodeAppendFs } from "./append-fs.js";
export { readLockHolder } from "./lock-record.js";
export { nodeStoreFs, type StoreFs, setStoreFs, storeFs } from "./store-fs.js";
export * from "./testing/crash-model.js";
export * from "./testing/explorer.js";
export * from "./testing/fs-log.js";
export * from "./testing/mutations.js";
export { type RecordedWorkload, recordWorkload } from "./testing/record-workload.js";
export * from "./testing/recording-fs.js";
export * from "./testing/restart-check.js";
export * from "./testing/scenario.js";
export * from "./testing/workload-kit.js";
