import { parseOptions } from "@papyra/core";
import { createConnection } from "./connection.js";
import { type RedisStoreOptions, redisOptionsSchema } from "./options.js";
import { RedisStore } from "./store.js";

/**
 * Opens a store on Redis Streams. Connects (or checks the client you pass) within
 * `connectTimeoutMs`; a refused connection, an unknown host or wrong credentials fail at once.
 * Throws PersistenceConfigurationError for bad options (a bad URL included, shown with its
 * password masked), PersistenceUnavailableError when Redis cannot be reached, and, with
 * `readOnly`, PersistenceNotFoundError when no store exists there.
 */
export async function openRedisStore(raw: RedisStoreOptions = {}): Promise<RedisStore> {
  const { client, readOnly, ...plain } = raw;
  const options = parseOptions(redisOptionsSchema, plain, "Redis store options");
  const connection = createConnection(options, client);
  const store = new RedisStore(connection, options);
  await store.open(readOnly === true);
  return store;
}
