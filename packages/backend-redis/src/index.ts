export type {
  AutoClaimResult,
  ConsumedItem,
  ConsumeOptions,
  PendingEntriesOptions,
  PendingEntry,
  PendingSummary,
} from "./consumer-groups.js";
export { backend, default } from "./definition.js";
export {
  quarantineStreamKey,
  STREAM_NAMES,
  type StoreKeys,
  type StreamName,
  storeKeys,
} from "./keys.js";
export { openRedisStore } from "./open.js";
export {
  DEFAULT_MAX_IN_FLIGHT,
  type RedisClient,
  type RedisCliOptions,
  type RedisStoreOptions,
  redisOptionsSchema,
} from "./options.js";
export { redactUrl } from "./redact.js";
export { RedisClientError } from "./safe-error.js";
export { RedisStore, type StoreMetrics } from "./store.js";
