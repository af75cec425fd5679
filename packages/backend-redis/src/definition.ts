import { BACKEND_CONTRACT_VERSION, defineBackend } from "@papyra/core";
import { type RedisCliOptions, redisOptionsSchema } from "./options.js";
import { openRedisStore } from "./store.js";

/**
 * The backend definition the `papyra` CLI loads from `@papyra/backend-redis`
 * (`--backend redis`). `PAPYRA_REDIS_URL` and `PAPYRA_REDIS_PASSWORD` set the URL and password.
 */
export const backend = defineBackend<RedisCliOptions>({
  contractVersion: BACKEND_CONTRACT_VERSION,
  name: "redis",
  description:
    "Redis Streams through ioredis: one stream per record kind, for many writing processes",
  optionsSchema: redisOptionsSchema,
  env: { url: "PAPYRA_REDIS_URL", password: "PAPYRA_REDIS_PASSWORD" },
  create: (options) => openRedisStore(options),
});

export default backend;
