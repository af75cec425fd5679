import { randomUUID } from "node:crypto";
import { RedisServer } from "@papyra/test-support";
import { makeEvent } from "@papyra/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedisStore } from "../src/index.js";

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

describe("metrics kept in Redis", () => {
  it("add up the counts of two store instances and survive them", async () => {
    const prefix = `m-${randomUUID()}`;
    const a = await openRedisStore({ url: server.url, prefix });
    const b = await openRedisStore({ url: server.url, prefix });
    for (let n = 1; n <= 3; n++) await a.recordEvent(makeEvent(n));
    for (let n = 4; n <= 5; n++) await b.recordEvent(makeEvent(n));
    await b.listEvents();
    await a.close();
    await b.close();
    const hash = await raw.hgetall(`${prefix}:local:metrics`);
    expect(hash.records_written).toBe("5");
    expect(hash.records_read).toBe("5");

    // A third process (the CLI) reads the same counters.
    await using reader = await openRedisStore({ url: server.url, prefix });
    const stored = await reader.readStoredMetrics();
    expect(stored.counters.records_written).toBe(5);
    expect(stored.counters.bytes_written).toBeGreaterThan(0);
    expect(stored.counters.write_errors).toBe(0);
    expect(stored.since).toBeNull();
  });

  it("are flushed off the write path, on a timer", async () => {
    const prefix = `m-${randomUUID()}`;
    await using writer = await openRedisStore({
      url: server.url,
      prefix,
      metricsFlushIntervalMs: 20,
    });
    await writer.recordEvent(makeEvent(1));
    for (let i = 0; i < 200; i++) {
      if ((await raw.hget(`${prefix}:local:metrics`, "records_written")) === "1") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await raw.hget(`${prefix}:local:metrics`, "records_written")).toBe("1");
  });

  it("a reset zeroes them for everyone; a running writer counts from zero once it sees it", async () => {
    const prefix = `m-${randomUUID()}`;
    await using writer = await openRedisStore({
      url: server.url,
      prefix,
      metricsFlushIntervalMs: 20,
    });
    for (let n = 1; n <= 4; n++) await writer.recordEvent(makeEvent(n));
    expect((await writer.readStoredMetrics()).counters.records_written).toBe(4);

    await using cli = await openRedisStore({ url: server.url, prefix });
    await cli.resetStoredMetrics();
    const afterReset = await cli.readStoredMetrics();
    expect(afterReset.counters.records_written).toBe(0);
    expect(afterReset.since).toBeGreaterThan(0);

    // The writer notices the new generation on its next flush and zeroes its own counters.
    for (let i = 0; i < 200 && writer.metrics.snapshot().records_written !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(writer.metrics.snapshot().records_written).toBe(0);
    await writer.recordEvent(makeEvent(5));
    expect((await writer.readStoredMetrics()).counters.records_written).toBe(1);
    // The data itself is untouched.
    expect((await cli.listEvents()).length).toBe(5);
  });
});

describe("reading the stored metrics", () => {
  it("includes every count made before the call, also while a timer flush is running", async () => {
    const prefix = `m-${randomUUID()}`;
    // A flush every millisecond: most reads meet a flush that took its delta a moment before.
    await using writer = await openRedisStore({
      url: server.url,
      prefix,
      metricsFlushIntervalMs: 1,
    });
    for (let n = 1; n <= 60; n++) {
      await writer.recordEvent(makeEvent(n));
      expect((await writer.readStoredMetrics()).counters.records_written).toBe(n);
    }
  });
});
