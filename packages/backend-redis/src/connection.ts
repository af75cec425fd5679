import { PersistenceUnavailableError } from "@papyra/core";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { RedisClient, RedisCliOptions } from "./options.js";
import { redactUrl } from "./redact.js";

/** A client the store uses, whether it owns it (and closes it) or was given it. */
export interface StoreConnection {
  client: RedisClient;
  owned: boolean;
  /** Printable endpoint, password redacted. */
  endpoint: string;
}

function baseRedisOptions(options: RedisCliOptions): RedisOptions {
  return {
    lazyConnect: true,
    // No unbounded offline queue: while disconnected the store waits at most offlineTimeoutMs
    // for the connection itself, then rejects without having sent anything.
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    // Commands in flight when the connection drops are rejected at the first failed
    // reconnection instead of being resent minutes later.
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
}

function describeClient(client: RedisClient): string {
  if (client instanceof Cluster) return "redis-cluster (client given)";
  const o = client.options;
  const scheme = o.tls ? "rediss" : "redis";
  return o.path ? `${scheme}+unix://${o.path}` : `${scheme}://${o.host}:${o.port}/${o.db ?? 0}`;
}

/** Builds (but does not connect) the client described by the options. */
export function createConnection(options: RedisCliOptions, given?: RedisClient): StoreConnection {
  if (given) return { client: given, owned: false, endpoint: describeClient(given) };
  const endpoint = redactUrl(options.url);
  const redisOptions = baseRedisOptions(options);
  let client: RedisClient;
  if (options.cluster) {
    const url = new URL(options.url);
    const {
      lazyConnect: _lazy,
      enableOfflineQueue: _q,
      enableAutoPipelining: _p,
      ...nodeOptions
    } = redisOptions;
    client = new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      redisOptions: {
        ...nodeOptions,
        ...(url.username && options.username === undefined
          ? { username: decodeURIComponent(url.username) }
          : {}),
        ...(url.password && options.password === undefined
          ? { password: decodeURIComponent(url.password) }
          : {}),
        ...(url.protocol === "rediss:" ? { tls: {} } : {}),
      },
    });
  } else {
    client = new Redis(options.url, redisOptions);
  }
  // Without a listener ioredis prints every connection error (with host names) to stderr.
  client.on("error", () => {});
  return { client, owned: true, endpoint };
}

/** Waits until `client` is ready, for at most `timeoutMs`. Shared by every concurrent caller. */
export class ReadyGate {
  readonly #client: RedisClient;
  #waiter: Promise<void> | null = null;

  constructor(client: RedisClient) {
    this.#client = client;
  }

  /** Resolves once the client is ready; rejects after `timeoutMs` or when the client ended. */
  async wait(timeoutMs: number): Promise<void> {
    const client = this.#client;
    if (client.status === "ready") return;
    if (client.status === "end") throw new Error("the Redis connection is closed");
    if (client.status === "wait") client.connect().catch(() => {});
    if (!this.#waiter) {
      this.#waiter = new Promise<void>((resolve) => {
        const onReady = () => {
          this.#waiter = null;
          client.off("ready", onReady);
          resolve();
        };
        client.on("ready", onReady);
      });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#waiter,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `Redis is unreachable (connection ${client.status}; waited ${timeoutMs} ms)`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Connects (or waits for a given client to be ready) within `timeoutMs`; on failure releases an
 * owned client and throws PersistenceUnavailableError naming the redacted endpoint.
 */
export async function openConnection(
  connection: StoreConnection,
  timeoutMs: number,
): Promise<void> {
  const { client } = connection;
  let lastError: unknown;
  let refuse: ((error: unknown) => void) | undefined;
  const refused = new Promise<never>((_, reject) => {
    refuse = reject;
  });
  refused.catch(() => {});
  const onError = (error: unknown) => {
    lastError = error;
    // Retrying cannot fix credentials or permissions: fail now instead of at the timeout.
    if (error instanceof Error && /^(WRONGPASS|NOAUTH|NOPERM)/.test(error.message)) refuse?.(error);
  };
  client.on("error", onError);
  try {
    if (client.status === "wait") client.connect().catch((error: unknown) => onError(error));
    await Promise.race([new ReadyGate(client).wait(timeoutMs), refused]);
    await client.ping();
  } catch (error) {
    if (connection.owned) client.disconnect();
    const cause = lastError ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PersistenceUnavailableError(
      `Cannot connect to Redis at ${connection.endpoint}: ${redactMessage(reason)}`,
      { cause },
    );
  } finally {
    client.off("error", onError);
  }
}

/** Removes anything URL-like with credentials from an error message. */
export function redactMessage(message: string): string {
  return message.replace(/(rediss?:\/\/)[^@\s/]*@/g, "$1***@");
}
