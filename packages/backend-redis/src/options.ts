import { type RetentionPolicy, retentionPolicySchema } from "@papyra/core";
import type { Cluster, Redis } from "ioredis";
import { z } from "zod";
import { redisUrlProblem } from "./redis-url.js";

/** Either kind of ioredis client the store can run on. */
export type RedisClient = Redis | Cluster;

/**
 * Default of `maxInFlight`. A call held for a hanging server costs about 4 KB plus its record
 * (measured), so this bounds the client at roughly 40 MB; 64 busy writers use 64.
 */
export const DEFAULT_MAX_IN_FLIGHT: number = 10_000;

const positiveMs = (what: string): z.ZodNumber =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int(`${what} must be a whole number of milliseconds`)
    .positive(`${what} must be positive`);

/** The field schemas of {@link redisOptionsSchema}. */
export type RedisOptionFields = {
  url: z.ZodDefault<z.ZodString>;
  prefix: z.ZodDefault<z.ZodString>;
  systemId: z.ZodDefault<z.ZodString>;
  username: z.ZodOptional<z.ZodString>;
  password: z.ZodOptional<z.ZodString>;
  cluster: z.ZodDefault<z.ZodBoolean>;
  connectTimeoutMs: z.ZodDefault<z.ZodNumber>;
  commandTimeoutMs: z.ZodDefault<z.ZodNumber>;
  offlineTimeoutMs: z.ZodDefault<z.ZodNumber>;
  maxInFlight: z.ZodDefault<z.ZodNumber>;
  trimOnWrite: z.ZodDefault<z.ZodBoolean>;
  clockSkewSeconds: z.ZodDefault<z.ZodNumber>;
  quarantinePrefix: z.ZodOptional<z.ZodString>;
  metricsFlushIntervalMs: z.ZodDefault<z.ZodNumber>;
  retention: z.ZodOptional<z.ZodType<RetentionPolicy>>;
};

/**
 * Options the CLI and config files can set (every field is plain data). The fields become
 * `--redis-*` style flags; descriptions become their help.
 */
export const redisOptionsSchema: z.ZodObject<RedisOptionFields> = z.object({
  url: z
    .string()
    .min(1)
    .superRefine((url, context) => {
      const problem = redisUrlProblem(url);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .default("redis://127.0.0.1:6379")
    .describe(
      "Redis URL: redis://[user:password@]host:port[/db], rediss:// for TLS; percent-encode / # ? @ % : in a password (never printed with its password)",
    ),
  prefix: z
    .string()
    .min(1, "prefix must not be empty")
    .default("papyra")
    .describe("Key prefix: streams are {prefix}:{systemId}:events|audits|dead_letters"),
  systemId: z
    .string()
    .min(1, "systemId must not be empty")
    .default("local")
    .describe("System id, the second part of every key"),
  username: z.string().min(1).optional().describe("ACL user name (overrides the URL's)"),
  password: z.string().optional().describe("Password (overrides the URL's; never printed)"),
  cluster: z.boolean().default(false).describe("Treat url as a seed node of a Redis Cluster"),
  connectTimeoutMs: positiveMs("connectTimeoutMs")
    .default(5000)
    .describe("How long opening the store may wait for Redis before failing"),
  commandTimeoutMs: positiveMs("commandTimeoutMs")
    .default(5000)
    .describe(
      "Every call to Redis settles within this time from when it was made (waiting for the connection included)",
    ),
  offlineTimeoutMs: positiveMs("offlineTimeoutMs")
    .default(2000)
    .describe(
      "While Redis is unreachable, how long a call waits for it to come back before rejecting unsent (at most commandTimeoutMs)",
    ),
  maxInFlight: z
    .number({ error: "maxInFlight must be a number of calls" })
    .int("maxInFlight must be a whole number")
    .positive("maxInFlight must be positive")
    .default(DEFAULT_MAX_IN_FLIGHT)
    .describe(
      "Most calls waiting for Redis at once; beyond it calls reject at once unsent (bounds memory while Redis hangs)",
    ),
  trimOnWrite: z
    .boolean()
    .default(false)
    .describe(
      "Trim streams approximately on every write from the retention policy (MAXLEN ~ / MINID ~)",
    ),
  clockSkewSeconds: z
    .number()
    .nonnegative()
    .finite()
    .default(300)
    .describe(
      "How far a record's timestamp may lag behind the time Redis stored it; `since` and age cut-offs are widened by this much when mapped to stream ids",
    ),
  quarantinePrefix: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Prefix of the quarantine streams, one per damaged stream: {quarantinePrefix}:{source key with : replaced by _} (default {prefix}:{systemId}:quarantine)",
    ),
  metricsFlushIntervalMs: positiveMs("metricsFlushIntervalMs")
    .default(1000)
    .describe("How often counters are added to the metrics hash in Redis"),
  retention: retentionPolicySchema.optional().describe("Retention policy applied to each kind"),
});

/** Options as the CLI parses them (defaults filled in). */
export type RedisCliOptions = z.output<typeof redisOptionsSchema>;

/** Options accepted by {@link openRedisStore}: the plain options, or a client of your own. */
export type RedisStoreOptions = z.input<typeof redisOptionsSchema> & {
  /**
   * An ioredis `Redis` or `Cluster` to use instead of connecting to `url`. The store never
   * closes a client it was given; give it one with `enableOfflineQueue: false` and a
   * `commandTimeout` so calls stay bounded while Redis is down.
   */
  client?: RedisClient;
  /**
   * Open for reading, scanning and maintenance only (what the CLI does): opening a location
   * that holds no Papyra key rejects with PersistenceNotFoundError and creates nothing, and
   * `record*` reject. Not a CLI flag: the CLI sets it.
   */
  readOnly?: boolean;
};
