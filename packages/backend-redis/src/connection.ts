import { PersistenceUnavailableError } from "@papyra/core";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { ReadyGate } from "./command-gate.js";
import type { RedisClient, RedisCliOptions } from "./options.js";
import { redactUrl, type Secrets, secretsOf, urlUserInfo } from "./redact.js";
import { credentials, describeEndpoint, parseRedisUrl, type RedisEndpoint } from "./redis-url.js";
import { toSafeError } from "./safe-error.js";

/** A client the store uses, whether it owns it (and closes it) or was given it. */
export interface StoreConnection {
  client: RedisClient;
  owned: boolean;
  /** Printable endpoint: the URL as given, password masked. */
  endpoint: string;
  /** The endpoint in full, `redis://user:***@host:port/db`, for messages that need the db. */
  fullEndpoint: string;
  /** Every form of the password, for masking text. */
  secrets: Secrets;
}

/** Reconnection delays: 100 ms, 200 ms, ... then every second. */
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 1000);

function nodeOptions(options: RedisCliOptions, endpoint: RedisEndpoint): RedisOptions {
  const { username, password } = endpoint;
  return {
    // No unbounded offline queue: while disconnected a call waits at most offlineTimeoutMs
    // for the connection itself (see CommandGate), then rejects without having sent anything.
    enableOfflineQueue: false,
    // Deadlines are the store's own (CommandGate), timed from when each call is made. ioredis'
    // commandTimeout would release a command's promise while the command itself stays queued
    // in the client, hiding it from the maxInFlight count.
    connectTimeout: options.connectTimeoutMs,
    // Commands in flight when the connection drops are rejected at the first failed
    // reconnection instead of being resent minutes later.
    maxRetriesPerRequest: 0,
    retryStrategy,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(endpoint.tls ? { tls: {} } : {}),
  };
}

function describeClient(client: RedisClient): string {
  if (client instanceof Cluster) return "redis-cluster (client given)";
  const o = client.options;
  const scheme = o.tls ? "rediss" : "redis";
  return o.path ? `${scheme}+unix://${o.path}` : `${scheme}://${o.host}:${o.port}/${o.db ?? 0}`;
}

/**
 * Builds (but does not connect) the client the options describe. The URL is read here, never
 * by ioredis, so every ioredis version sees the same host, port, database and credentials.
 */
export function createConnection(options: RedisCliOptions, given?: RedisClient): StoreConnection {
  const secrets = secretsOf([options.password, urlUserInfo(options.url)]);
  if (given) {
    const endpoint = describeClient(given);
    return { client: given, owned: false, endpoint, fullEndpoint: endpoint, secrets };
  }
  const parsed = parseRedisUrl(options.url);
  const { username: _u, password: _p, ...address } = parsed;
  const endpoint: RedisEndpoint = { ...address, ...credentials(parsed, options) };
  const fullEndpoint = describeEndpoint(endpoint, options.cluster);
  const base = nodeOptions(options, endpoint);
  let client: RedisClient;
  if (options.cluster) {
    client = new Cluster([{ host: endpoint.host, port: endpoint.port }], {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      clusterRetryStrategy: retryStrategy,
      redisOptions: base,
    });
  } else {
    client = new Redis({
      ...base,
      host: endpoint.host,
      port: endpoint.port,
      db: endpoint.db,
      lazyConnect: true,
      enableAutoPipelining: true,
    });
  }
  // Without a listener ioredis prints every connection error (with host names) to stderr.
  client.on("error", () => {});
  return { client, owned: true, endpoint: redactUrl(options.url), fullEndpoint, secrets };
}

/** Errors no retry can fix: wrong credentials or permissions, nothing listening, no such host. */
function isFinal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (/^(WRONGPASS|NOAUTH|NOPERM|ERR (invalid password|AUTH))/.test(error.message)) return true;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === "string" &&
    ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"].includes(code)
  ) {
    return true;
  }
  const inner = (error as { lastNodeError?: unknown }).lastNodeError;
  return inner !== undefined && isFinal(inner);
}

/**
 * Connects (or waits for a given client to be ready) within `timeoutMs`. A refused connection,
 * an unknown host or rejected credentials fail at once, after one attempt: the timeout is for
 * hosts that do not answer. On failure an owned client is released and the error is a
 * PersistenceUnavailableError naming the masked endpoint, its cause stripped of secrets.
 */
export async function openConnection(
  connection: StoreConnection,
  timeoutMs: number,
): Promise<void> {
  const { client, secrets } = connection;
  let lastError: unknown;
  let refuse: ((error: unknown) => void) | undefined;
  const refused = new Promise<never>((_, reject) => {
    refuse = reject;
  });
  refused.catch(() => {});
  const onError = (error: unknown) => {
    lastError = error;
    if (isFinal(error)) {
      // Stop ioredis from trying again before anything else happens.
      if (connection.owned) client.disconnect();
      refuse?.(error);
    }
  };
  client.on("error", onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    if (client.status === "wait") client.connect().catch((error: unknown) => onError(error));
    await Promise.race([new ReadyGate(client).wait(timeoutMs), refused]);
    // A server that accepted the connection may still hang: the ping is bounded too.
    await Promise.race([
      client.ping(),
      refused,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    if (connection.owned) client.disconnect();
    const cause = toSafeError(isFinal(error) ? error : (lastError ?? error), secrets);
    throw new PersistenceUnavailableError(
      `Cannot connect to Redis at ${connection.endpoint}: ${cause.message}`,
      { cause },
    );
  } finally {
    clearTimeout(timer);
    client.off("error", onError);
  }
}
