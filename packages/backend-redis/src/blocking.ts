import { PersistenceClosedError } from "@papyra/core";
import { Cluster } from "ioredis";
import { CommandGate } from "./command-gate.js";
import type { RedisCall } from "./context.js";
import type { RedisClient, RedisCliOptions } from "./options.js";
import type { Secrets } from "./redact.js";

/**
 * The connection blocking reads (`consume` with `blockMs`) run on, made on first use: a blocked
 * XREADGROUP holds its connection, so it must not be the one writes go through. The store owns
 * it (also when the main client was given) and closes it.
 */
export class BlockingConnection {
  readonly #main: RedisClient;
  readonly #options: RedisCliOptions;
  readonly #secrets: Secrets;
  #client: RedisClient | undefined;
  #gate: CommandGate | undefined;
  #closed = false;

  constructor(main: RedisClient, options: RedisCliOptions, secrets: Secrets) {
    this.#main = main;
    this.#options = options;
    this.#secrets = secrets;
  }

  /** Sends a command on the blocking connection, through a gate of its own. */
  readonly call: RedisCall = (command, timeoutMs) => {
    if (this.#closed) return Promise.reject(new PersistenceClosedError("consume"));
    return this.#open().run(command, timeoutMs);
  };

  #open(): CommandGate {
    if (this.#gate) return this.#gate;
    const main = this.#main;
    // ioredis' blockingTimeout resolves a blocked read whose connection died silently.
    const overrides = {
      commandTimeout: undefined,
      blockingTimeout: this.#options.commandTimeoutMs,
    };
    const client =
      main instanceof Cluster
        ? main.duplicate([], { redisOptions: { ...main.options.redisOptions, ...overrides } })
        : main.duplicate(overrides);
    client.on("error", () => {});
    this.#client = client;
    this.#gate = new CommandGate(client, {
      commandTimeoutMs: this.#options.commandTimeoutMs,
      offlineTimeoutMs: this.#options.offlineTimeoutMs,
      maxInFlight: this.#options.maxInFlight,
      resetWhenSilent: true,
      secrets: this.#secrets,
    });
    return this.#gate;
  }

  /** Disconnects the blocking connection, if it was ever made. */
  close(): void {
    this.#closed = true;
    this.#client?.disconnect();
  }
}
