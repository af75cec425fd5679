export type {
  AutoClaimResult,
  ConsumedItem,
  ConsumeOptions,
  PendingEntriesOptions,
  PendingEntry,
  PendingSummary,
} from "./consumer-groups.js";
export { backend, default } from "./definition.js";
export { STREAM_NAMES, type StoreKeys, type StreamName, storeKeys } from "./keys.js";
export {
  type RedisClient,
  type RedisCliOptions,
  type RedisStoreOptions,
  redisOptionsSchema,
} from "./options.js";
export { redactUrl } from "./redact.js";
export { openRedisStore, RedisStore, type StoreMetrics } from "./store.js";
