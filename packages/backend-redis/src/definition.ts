import { BACKEND_CONTRACT_VERSION, type BackendDefinition, defineBackend } from "@papyra/core";
import { openRedisStore } from "./open.js";
import { type RedisCliOptions, redisOptionsSchema } from "./options.js";

/**
 * The backend definition the `papyra` CLI loads from `@papyra/backend-redis`
 * (`--backend redis`). `PAPYRA_REDIS_URL` and `PAPYRA_REDIS_PASSWORD` set the URL and password.
 */
export const backend: BackendDefinition<RedisCliOptions> = defineBackend<RedisCliOptions>({
  contractVersion: BACKEND_CONTRACT_VERSION,
  name: "redis",
  description:
    "Redis Streams through ioredis: one stream per record kind, for many writing processes",
  optionsSchema: redisOptionsSchema,
  env: { url: "PAPYRA_REDIS_URL", password: "PAPYRA_REDIS_PASSWORD" },
  // Read-only hosts (the CLI's inspection, scans, checks) must not call a mistyped prefix a
  // healthy empty store: the store must exist.
  create: (options, context) => openRedisStore({ ...options, readOnly: context.readOnly }),
});

export default backend;
