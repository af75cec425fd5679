import type { PersistenceMetrics, RetentionPolicy } from "@papyra/core";
import type { StoreKeys } from "./keys.js";
import type { RedisClient, RedisCliOptions } from "./options.js";
import type { Secrets } from "./redact.js";

/**
 * Sends one Redis command through the store's gate: it settles within `commandTimeoutMs` (or
 * `timeoutMs`) of the call, counts against `maxInFlight`, and rejects only with safe errors.
 */
export type RedisCall = <T>(
  command: (client: RedisClient) => Promise<T>,
  timeoutMs?: number,
) => Promise<T>;

/** What the store's parts share: the client, keys, options and counters. */
export interface StoreContext {
  /** The client, for what is not a command (its kind, a cluster's nodes). */
  readonly client: RedisClient;
  /** The only way the store's parts send commands. */
  readonly call: RedisCall;
  readonly keys: StoreKeys;
  /** Printable store location: `prefix:systemId@endpoint`, password masked. */
  readonly location: string;
  readonly options: RedisCliOptions;
  readonly retention: RetentionPolicy | undefined;
  readonly metrics: PersistenceMetrics;
  /** Every form of the password, masked wherever text leaves the store. */
  readonly secrets: Secrets;
}
