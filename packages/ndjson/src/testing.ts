// Test hooks of @papyra/ndjson (`@papyra/ndjson/testing`): not part of the stable API.
export { type AppendFs, nodeAppendFs } from "./append-fs.js";
export { readLockHolder } from "./lock-record.js";
