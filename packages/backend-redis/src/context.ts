import type { PersistenceMetrics, RetentionPolicy } from "@papyra/core";
import type { StoreKeys } from "./keys.js";
import type { RedisClient, RedisCliOptions } from "./options.js";

/** What the store's parts share: the client, keys, options and counters. */
export interface StoreContext {
  readonly client: RedisClient;
  readonly keys: StoreKeys;
  /** Printable store location: `prefix:systemId@endpoint`, password redacted. */
  readonly location: string;
  readonly options: RedisCliOptions;
  readonly retention: RetentionPolicy | undefined;
  readonly metrics: PersistenceMetrics;
  /** Resolves once Redis is reachable; rejects after `offlineTimeoutMs`. */
  ready(): Promise<void>;
}
