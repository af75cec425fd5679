import { Cluster } from "ioredis";
import type { RedisClient } from "./options.js";
import type { Secrets } from "./redact.js";
import { RedisClientError, toSafeError } from "./safe-error.js";

/** How a {@link CommandGate} bounds the calls it lets through. */
export interface GateSettings {
  /** Each call settles this long after it was made, at the latest (connection wait included). */
  commandTimeoutMs: number;
  /** While disconnected, how long a call waits for the connection (capped by the above). */
  offlineTimeoutMs: number;
  /** Calls admitted but not yet answered or released; beyond it calls are refused at once. */
  maxInFlight: number;
  /** Close and reopen the connection when the server stops answering (clients the store owns). */
  resetWhenSilent: boolean;
  secrets: Secrets;
}

/** Waits until a client is ready, for a bounded time. Shared by every concurrent caller. */
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
    this.#waiter ??= new Promise<void>((resolve) => {
      client.once("ready", () => {
        this.#waiter = null;
        resolve();
      });
    });
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

function isReply(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
}

/** ioredis' words for "the connection closed before the answer", made plain. */
function describeLoss(error: unknown): unknown {
  if (
    error instanceof Error &&
    (error.name === "MaxRetriesPerRequestError" || error.message === "Connection is closed.")
  ) {
    return new Error(
      "the connection to Redis was lost before the answer came; the command may still have been applied",
    );
  }
  if (error instanceof Error && error.message.startsWith("Stream isn't writeable")) {
    return new Error("Redis is not connected; the call was not sent");
  }
  return error;
}

/**
 * Every Redis command the store sends goes through one gate per connection. The gate:
 * - rejects the caller `commandTimeoutMs` after the call was made, whatever is queued ahead
 *   of it (with auto-pipelining, a command waits for the pipeline in front of it; ioredis'
 *   own `commandTimeout` only starts once the command is written, so it could take twice as
 *   long);
 * - admits at most `maxInFlight` calls whose command has not been answered: a timed-out
 *   command still holds memory in the client until the server answers or the connection is
 *   closed, so this is what bounds memory while the server hangs;
 * - closes the connection (ioredis reconnects) when a call timed out and the server answered
 *   nothing since the call was made, which releases every command held for it;
 * - replaces every error with a copy that carries no command arguments (no password).
 */
export class CommandGate {
  readonly #client: RedisClient;
  readonly #settings: GateSettings;
  readonly #ready: ReadyGate;
  #inFlight = 0;
  #lastReplyAt = Number.NEGATIVE_INFINITY;
  #lastResetAt = Number.NEGATIVE_INFINITY;

  constructor(client: RedisClient, settings: GateSettings) {
    this.#client = client;
    this.#settings = settings;
    this.#ready = new ReadyGate(client);
  }

  /** Calls admitted whose command Redis has not answered yet (timed-out ones included). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Waits until the connection is ready, for at most `timeoutMs`. */
  ready(timeoutMs: number = this.#settings.offlineTimeoutMs): Promise<void> {
    return this.#ready.wait(timeoutMs);
  }

  /**
   * Sends one command (built by `command` once the connection is ready) and settles within
   * `timeoutMs` (default `commandTimeoutMs`; `Infinity` for none). Rejections are safe errors.
   */
  run<T>(command: (client: RedisClient) => Promise<T>, timeoutMs?: number): Promise<T> {
    const { maxInFlight, commandTimeoutMs, offlineTimeoutMs, secrets } = this.#settings;
    if (this.#inFlight >= maxInFlight) {
      return Promise.reject(
        new RedisClientError(
          `${this.#inFlight} calls to Redis are in flight, the limit (maxInFlight ${maxInFlight}): the server is not answering, or not as fast as calls arrive; this call was not sent`,
          "RedisBusyError",
        ),
      );
    }
    const limit = timeoutMs ?? commandTimeoutMs;
    this.#inFlight += 1;
    const issuedAt = performance.now();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = Number.isFinite(limit)
        ? setTimeout(() => {
            if (settled) return;
            settled = true;
            reject(
              new RedisClientError(
                `Redis did not answer within ${limit} ms (commandTimeoutMs); the command may still have been applied`,
                "RedisTimeoutError",
              ),
            );
            this.#onDeadline(issuedAt);
          }, limit)
        : undefined;
      const finish = (outcome: () => void) => {
        this.#inFlight -= 1;
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      this.#send(command, Math.min(offlineTimeoutMs, limit)).then(
        (value) => {
          this.#lastReplyAt = performance.now();
          finish(() => resolve(value));
        },
        (error: unknown) => {
          if (isReply(error)) this.#lastReplyAt = performance.now();
          finish(() => reject(toSafeError(describeLoss(error), secrets)));
        },
      );
    });
  }

  async #send<T>(command: (client: RedisClient) => Promise<T>, readyWithin: number): Promise<T> {
    if (this.#client.status !== "ready") {
      try {
        await this.#ready.wait(readyWithin);
      } catch (error) {
        throw new Error(`${(error as Error).message}; the call was not sent`);
      }
    }
    return command(this.#client);
  }

  /** A call timed out: if nothing at all came back since it was made, the server is silent. */
  #onDeadline(issuedAt: number): void {
    if (!this.#settings.resetWhenSilent || this.#lastReplyAt >= issuedAt) return;
    // One reset per silent period: the calls it releases must not trigger another at once.
    if (this.#lastResetAt >= issuedAt) return;
    this.#lastResetAt = performance.now();
    const error = new Error(
      `Redis did not answer for ${this.#settings.commandTimeoutMs} ms; reconnecting`,
    );
    const clients = this.#client instanceof Cluster ? this.#client.nodes("all") : [this.#client];
    for (const client of clients) {
      // `disconnect()` would end the socket gracefully, which never completes while the peer
      // reads nothing; destroying it makes ioredis fail what it holds and reconnect.
      if (client.status === "ready" || client.status === "connect") client.stream?.destroy(error);
    }
  }
}
