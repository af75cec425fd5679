import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
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

const eventLine = (n: number) => JSON.stringify({ kind: "event", ...makeEvent(n) });

async function fill(key: string, from: number, to: number): Promise<void> {
  const pipeline = raw.pipeline();
  for (let n = from; n <= to; n++) pipeline.xadd(key, "*", "data", eventLine(n));
  await pipeline.exec();
}

async function clients(): Promise<number> {
  return String(await raw.client("LIST"))
    .trim()
    .split("\n").length;
}

describe("streamed reads", () => {
  it("iterate pages through a stream larger than a page: every record, the stored line as written, retention applied", async () => {
    const prefix = `it-${randomUUID()}`;
    await fill(`${prefix}:local:events`, 1, 1203);
    await raw.xadd(`${prefix}:local:events`, "*", "data", "{broken");
    await using store = await openRedisStore({
      url: server.url,
      prefix,
      retention: { maxRecords: 1200 },
    });
    const seqs: number[] = [];
    let firstLine = "";
    for await (const item of store.iterate({ kinds: ["event"] })) {
      if (seqs.length === 0) firstLine = item.line;
      seqs.push(item.record.seq as number);
    }
    expect(seqs).toEqual(Array.from({ length: 1200 }, (_, i) => i + 4));
    expect(firstLine).toBe(eventLine(4));
    expect(seqs).toEqual((await store.listEvents()).map((e) => e.seq));
  });

  it("follow yields the backlog per limit, then entries added by another client (blocking reads), and closes its connection when aborted", async () => {
    const prefix = `fo-${randomUUID()}`;
    const key = `${prefix}:local:events`;
    await fill(key, 1, 5);
    await using store = await openRedisStore({ url: server.url, prefix });
    const before = await clients();
    const controller = new AbortController();
    const iterator = store
      .follow("event", { signal: controller.signal, limit: 2, accept: (e) => e.seq !== 7 })
      [Symbol.asyncIterator]();
    const next = async () => ((await iterator.next()).value as { seq: number } | undefined)?.seq;
    expect([await next(), await next()]).toEqual([4, 5]);
    const pending = next(); // blocks in XREAD until an entry comes
    await fill(key, 6, 8);
    expect([await pending, await next()]).toEqual([6, 8]);
    expect(await clients()).toBe(before + 1); // the follow's own blocking connection
    const ended = next();
    controller.abort();
    expect(await ended).toBeUndefined();
    // The server notices a closed connection on its next event loop turn: wait for that event.
    for (let i = 0; i < 500 && (await clients()) !== before; i++) await sleep(10);
    expect(await clients()).toBe(before);
  });
});
