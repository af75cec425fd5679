import { PersistenceConfigurationError } from "@papyra/core";
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
export async function openRedisStore(options: RedisStoreOptions = {}): Promise<RedisStore> {
  const { client, readOnly, ...plain } = options;
  const parsed = redisOptionsSchema.safeParse(plain);
  if (!parsed.success) {
    throw new PersistenceConfigurationError(
      "Invalid Redis store options:",
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      })),
    );
  }
  const connection = createConnection(parsed.data, client);
  const store = new RedisStore(connection, parsed.data);
  await store.open(readOnly === true);
  return store;
}
