import { randomUUID } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { ErrorCode, parseBackendOptions } from "@papyra/core";
import { freePort, RedisServer, redisCli } from "@papyra/test-support";
import { makeEvent } from "@papyra/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backend, openRedisStore } from "../src/index.js";

let server: RedisServer;
let raw: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  raw = new Redis(server.url);
});

afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("opening", () => {
  it("fails at once, after a single attempt, when nothing listens: the connect timeout is for hosts that do not answer", async () => {
    const port = await freePort();
    let sockets = 0;
    const countSocket = () => {
      sockets += 1;
    };
    subscribe("net.client.socket", countSocket);
    const started = performance.now();
    let error: unknown;
    try {
      error = await rejection(
        openRedisStore({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 60_000 }),
      );
    } finally {
      unsubscribe("net.client.socket", countSocket);
    }
    expect(error).toMatchObject({ code: ErrorCode.unavailable });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(sockets).toBe(1);
    // Far below the 60 s connectTimeoutMs (it takes milliseconds; the bound is for load).
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 90_000);

  it("waits connectTimeoutMs for a server that accepts the connection but does not answer", async () => {
    server.freeze();
    try {
      const error = await rejection(openRedisStore({ url: server.url, connectTimeoutMs: 500 }));
      expect(error).toMatchObject({ code: ErrorCode.unavailable });
      expect((error as Error).message).toMatch(/waited 500 ms/);
    } finally {
      server.thaw();
    }
  });
});

describe("opening read-only (what the CLI does for inspection, scans and checks)", () => {
  it("rejects with PersistenceNotFoundError naming URL, database and prefix when no store is there, creating nothing", async () => {
    const prefix = `typo-${randomUUID()}`;
    const error = await rejection(
      openRedisStore({ url: `${server.url}/3`, prefix, readOnly: true }),
    );
    expect(error).toMatchObject({ code: ErrorCode.notFound });
    const message = (error as Error).message;
    expect(message).toContain(`redis://127.0.0.1:${server.port}/3`);
    expect(message).toContain(`"${prefix}:local"`);
    expect(message).toMatch(/--allow-missing/);
    expect(redisCli(server.port, "-n", "3", "DBSIZE").trim()).toBe("0");

    // The same through the backend definition, which gets readOnly from the CLI.
    const options = parseBackendOptions(backend, { url: server.url, prefix });
    const viaDefinition = await rejection(backend.create(options, { cwd: ".", readOnly: true }));
    expect(viaDefinition).toMatchObject({ code: ErrorCode.notFound });
    expect(await raw.keys(`${prefix}*`)).toEqual([]);
  });

  it("opens a store that has any of its keys, and a writer still creates a store where none is", async () => {
    const prefix = `rw-${randomUUID()}`;
    await using writer = await openRedisStore({ url: server.url, prefix });
    await expect(openRedisStore({ url: server.url, prefix, readOnly: true })).rejects.toMatchObject(
      { code: ErrorCode.notFound },
    );
    await writer.recordEvent(makeEvent(1));
    await using reader = await openRedisStore({ url: server.url, prefix, readOnly: true });
    expect(await reader.listEvents()).toEqual([makeEvent(1)]);

    // Only a quarantine stream (the earlier implementation's name) or only the counters.
    const onlyQuarantine = `q-${randomUUID()}`;
    await raw.xadd(
      `${onlyQuarantine}:local:quarantine:${onlyQuarantine}_local_events`,
      "*",
      "a",
      "b",
    );
    await (
      await openRedisStore({ url: server.url, prefix: onlyQuarantine, readOnly: true })
    ).close();
    const onlyMetrics = `m-${randomUUID()}`;
    await raw.hset(`${onlyMetrics}:local:metrics`, "records_written", "1");
    await (await openRedisStore({ url: server.url, prefix: onlyMetrics, readOnly: true })).close();
  });
});
