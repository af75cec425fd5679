import { redactUrl } from "./redact.js";

/** Where and how to connect, read from a `redis://` or `rediss://` URL. */
export interface RedisEndpoint {
  tls: boolean;
  /** Host name or address (IPv6 without brackets). */
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

const ENCODING_HINT =
  "Percent-encode / # ? @ % and : in the user name or password (%2F for /, %23 for #, %3F for ?, %40 for @, %25 for %, %3A for :), or give the password on its own (option password, --redis-password, $PAPYRA_REDIS_PASSWORD).";

/** Thrown by {@link parseRedisUrl}: says what is wrong, showing the URL with its password masked. */
export class RedisUrlError extends Error {
  constructor(url: string, problem: string) {
    super(`${redactUrl(url)} is not a usable Redis URL: ${problem}`);
    this.name = "RedisUrlError";
  }
}

function decode(part: string, url: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RedisUrlError(
      url,
      `the ${what} has a % not followed by two hex digits. ${ENCODING_HINT}`,
    );
  }
}

/**
 * Reads a Redis URL strictly, the same way whichever ioredis version is installed: the
 * scheme must be redis: or rediss:, the path a database number, and there may be no query or
 * fragment (an unencoded `#` or `/` in a password ends up there). Errors never echo the
 * password.
 */
export function parseRedisUrl(url: string): RedisEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(
      url,
      `expected redis://[user:password@]host[:port][/db] or rediss://... ${ENCODING_HINT}`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RedisUrlError(url, "the scheme must be redis:// (or rediss:// for TLS)");
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw new RedisUrlError(url, `it names no host. ${ENCODING_HINT}`);
  if (parsed.hash) {
    throw new RedisUrlError(url, `it has a # fragment after the host. ${ENCODING_HINT}`);
  }
  if (parsed.search) {
    throw new RedisUrlError(
      url,
      `query parameters are not supported (use the store's options instead). ${ENCODING_HINT}`,
    );
  }
  const path = parsed.pathname;
  if (path !== "" && path !== "/" && !/^\/\d{1,5}$/.test(path)) {
    throw new RedisUrlError(
      url,
      `the path must be a database number (redis://host:6379/0). ${ENCODING_HINT}`,
    );
  }
  const endpoint: RedisEndpoint = {
    tls: parsed.protocol === "rediss:",
    host,
    port: parsed.port ? Number(parsed.port) : 6379,
    db: path.length > 1 ? Number(path.slice(1)) : 0,
  };
  if (parsed.username) endpoint.username = decode(parsed.username, url, "user name");
  if (parsed.password) endpoint.password = decode(parsed.password, url, "password");
  return endpoint;
}

/** What is wrong with `url` (password masked), or null when {@link parseRedisUrl} accepts it. */
export function redisUrlProblem(url: string): string | null {
  try {
    parseRedisUrl(url);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The credentials in force: the options' over the URL's. A URL with a lone user info
 * (`redis://secret@host`) spells a password without a user name, as some clients write it,
 * unless a password is given separately: then it is the user name.
 */
export function credentials(
  endpoint: RedisEndpoint,
  options: { username?: string | undefined; password?: string | undefined },
): { username?: string; password?: string } {
  let { username, password } = endpoint;
  if (username !== undefined && password === undefined && options.password === undefined) {
    password = username;
    username = undefined;
  }
  username = options.username ?? username;
  password = options.password ?? password;
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/**
 * A printable form of the endpoint: `redis://user:***@host:port/db`, `***` standing for any
 * password in force (from the URL or the options).
 */
export function describeEndpoint(endpoint: RedisEndpoint, cluster = false): string {
  const scheme = endpoint.tls ? "rediss" : "redis";
  const user = endpoint.username === undefined ? "" : encodeURIComponent(endpoint.username);
  const credentials =
    endpoint.password !== undefined ? `${user}:***@` : user !== "" ? `${user}@` : "";
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const where = `${scheme}://${credentials}${host}:${endpoint.port}`;
  return cluster ? `${where} (cluster)` : `${where}/${endpoint.db}`;
}
