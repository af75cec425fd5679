import { randomUUID } from "node:crypto";
import { nowSeconds } from "@papyra/core";
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

/** Calls of one command since the last CONFIG RESETSTAT, from INFO commandstats. */
async function commandCalls(name: string): Promise<number> {
  const info = await raw.info("commandstats");
  const match = new RegExp(`^cmdstat_${name}:calls=(\\d+)`, "m").exec(info);
  return match ? Number(match[1]) : 0;
}

async function fill(key: string, count: number, line: (n: number) => string): Promise<void> {
  const pipeline = raw.pipeline();
  for (let n = 1; n <= count; n++) pipeline.xadd(key, "*", "data", line(n));
  await pipeline.exec();
}

const eventLine = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ kind: "event", ...makeEvent(n), ...extra });

describe("listing", () => {
  it("answers a limit with one XREVRANGE asking for that many entries", async () => {
    const prefix = `l-${randomUUID()}`;
    await fill(`${prefix}:local:events`, 3000, (n) => eventLine(n));
    await using store = await openRedisStore({ url: server.url, prefix });
    await raw.config("RESETSTAT");
    const newest = await store.listEvents({ limit: 5 });
    expect(newest.map((e) => e.seq)).toEqual([2996, 2997, 2998, 2999, 3000]);
    expect(await commandCalls("xrevrange")).toBe(1);
    expect(await commandCalls("xrange")).toBe(0);
  });

  it("maps since to a stream id so old entries are never read", async () => {
    const prefix = `l-${randomUUID()}`;
    const key = `${prefix}:local:events`;
    // 1000 entries stored an hour ago (explicit ids), then 3 stored now with current timestamps.
    const hourAgoMs = Date.now() - 3_600_000;
    const pipeline = raw.pipeline();
    for (let n = 1; n <= 1000; n++) {
      pipeline.xadd(
        key,
        `${hourAgoMs}-${n}`,
        "data",
        eventLine(n, { timestamp: hourAgoMs / 1000 }),
      );
    }
    await pipeline.exec();
    await using store = await openRedisStore({ url: server.url, prefix, clockSkewSeconds: 60 });
    const now = nowSeconds();
    for (let n = 1001; n <= 1003; n++) await store.recordEvent(makeEvent(n, { timestamp: now }));
    await raw.config("RESETSTAT");
    const recent = await store.listEvents({ since: now - 600 });
    expect(recent.map((e) => e.seq)).toEqual([1001, 1002, 1003]);
    // One page: the range stopped at the id of since - clockSkewSeconds.
    expect(await commandCalls("xrevrange")).toBe(1);
    // Without since every record is still there.
    expect((await store.listEvents()).length).toBe(1003);
  });

  it("applies retention on read and stops reading once the count budget is spent", async () => {
    const prefix = `l-${randomUUID()}`;
    await fill(`${prefix}:local:events`, 2000, (n) => eventLine(n));
    await using store = await openRedisStore({
      url: server.url,
      prefix,
      retention: { maxRecords: 10 },
    });
    await raw.config("RESETSTAT");
    expect((await store.listEvents()).map((e) => e.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => 1991 + i),
    );
    expect(await commandCalls("xrevrange")).toBe(1);
  });
});

describe("approximate trimming on write", () => {
  it("keeps a stream near maxRecords with MAXLEN ~ while reads stay exact", async () => {
    const prefix = `t-${randomUUID()}`;
    await using store = await openRedisStore({
      url: server.url,
      prefix,
      trimOnWrite: true,
      retention: { maxRecords: 10 },
    });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.recordEvent(makeEvent(i + 1))));
    const length = await raw.xlen(`${prefix}:local:events`);
    expect(length).toBeLessThan(1000);
    expect(length).toBeGreaterThanOrEqual(10);
    expect((await store.listEvents()).length).toBe(10);
  });

  it("is off by default", async () => {
    const prefix = `t-${randomUUID()}`;
    await using store = await openRedisStore({
      url: server.url,
      prefix,
      retention: { maxRecords: 10 },
    });
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.recordEvent(makeEvent(i + 1))));
    expect(await raw.xlen(`${prefix}:local:events`)).toBe(300);
  });

  it("trims by age with MINID ~ when there is only an age rule", async () => {
    const prefix = `t-${randomUUID()}`;
    const key = `${prefix}:local:events`;
    const dayAgoMs = Date.now() - 86_400_000;
    const pipeline = raw.pipeline();
    for (let n = 1; n <= 500; n++) pipeline.xadd(key, `${dayAgoMs}-${n}`, "data", eventLine(n));
    await pipeline.exec();
    await using store = await openRedisStore({
      url: server.url,
      prefix,
      trimOnWrite: true,
      retention: { maxAgeSeconds: 3600 },
    });
    await store.recordEvent(makeEvent(501, { timestamp: nowSeconds() }));
    expect(await raw.xlen(key)).toBeLessThan(501);
  });
});

describe("compaction", () => {
  it("removes exactly what retention excludes and keeps unknown kinds wherever they are", async () => {
    const prefix = `c-${randomUUID()}`;
    const key = `${prefix}:local:events`;
    const now = nowSeconds();
    const pipeline = raw.pipeline();
    for (let n = 1; n <= 700; n++) {
      pipeline.xadd(key, "*", "data", eventLine(n, { timestamp: now }));
      if (n === 100) {
        pipeline.xadd(key, "*", "data", JSON.stringify({ kind: "future_kind", timestamp: 1 }));
      }
    }
    // An expired record among the newest: deleted by id, not by trimming.
    pipeline.xadd(key, "*", "data", eventLine(701, { timestamp: now - 7200 }));
    pipeline.xadd(key, "*", "data", eventLine(702, { timestamp: now }));
    await pipeline.exec();
    await using store = await openRedisStore({
      url: server.url,
      prefix,
      retention: { maxRecords: 50, maxAgeSeconds: 3600 },
    });
    const listed = await store.listEvents();
    const report = await store.compact();
    expect(report.before_records).toBe(703);
    // Kept: the newest 50 unexpired events and the record of an unknown kind.
    expect(report.removed_records).toBe(703 - 51);
    expect(report.after_records).toBe(51);
    expect(await raw.xlen(key)).toBe(51);
    expect(report.before_bytes).toBeGreaterThan(report.after_bytes ?? 0);
    expect(report.reclaimed_bytes).toBe((report.before_bytes ?? 0) - (report.after_bytes ?? 0));
    expect(await store.listEvents()).toEqual(listed);
    const oldest = await raw.xrange(key, "-", "+", "COUNT", 1);
    expect(oldest[0]?.[1][1]).toContain("future_kind");
    expect((await store.scan()).records_scanned).toBe(51);
  });
});
