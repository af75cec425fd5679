import { randomUUID } from "node:crypto";
import { RedisServer } from "@papyra/test-support";
import { makeAudit, makeEvent } from "@papyra/testkit";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openRedisStore, type RedisStore } from "../src/index.js";

let server: RedisServer;
let raw: Redis;
let store: RedisStore;
let events: string;

beforeAll(async () => {
  server = await RedisServer.start();
  raw = new Redis(server.url);
});

afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
});

beforeEach(async () => {
  const prefix = `cg-${randomUUID()}`;
  events = `${prefix}:local:events`;
  store = await openRedisStore({ url: server.url, prefix });
});

afterEach(async () => {
  await store.close();
});

describe("consumer groups", () => {
  it("deliver typed records once per group, track pending entries and take acks", async () => {
    for (let n = 1; n <= 3; n++) await store.recordEvent(makeEvent(n));
    expect(await store.ensureConsumerGroup("events", "exporter")).toBe(true);
    expect(await store.ensureConsumerGroup("events", "exporter")).toBe(false);

    const first = await store.consume("events", "exporter", "worker-1", { count: 2 });
    expect(first.map((i) => i.type)).toEqual(["record", "record"]);
    const item = first[0];
    if (item?.type !== "record") throw new Error("expected a record");
    expect(item.kind).toBe("event");
    expect(item.stream).toBe("events");
    expect(item.record).toEqual(makeEvent(1));

    const rest = await store.consume("events", "exporter", "worker-2", { count: 10 });
    expect(rest).toHaveLength(1);
    expect(await store.consume("events", "exporter", "worker-2")).toEqual([]);

    const summary = await store.pending("events", "exporter");
    expect(summary.count).toBe(3);
    expect(summary.smallestId).toBe(first[0]?.id);
    expect(summary.consumers).toEqual([
      { name: "worker-1", pending: 2 },
      { name: "worker-2", pending: 1 },
    ]);
    const mine = await store.pendingEntries("events", "exporter", { consumer: "worker-1" });
    expect(mine.map((p) => p.id)).toEqual(first.map((i) => i.id));
    expect(mine[0]).toMatchObject({ consumer: "worker-1", deliveries: 1 });

    expect(
      await store.ack(
        "events",
        "exporter",
        first.map((i) => i.id),
      ),
    ).toBe(2);
    expect((await store.pending("events", "exporter")).count).toBe(1);
    // After a restart a consumer re-reads its own pending entries with id "0".
    const again = await store.consume("events", "exporter", "worker-2", { id: "0" });
    expect(again.map((i) => i.id)).toEqual(rest.map((i) => i.id));
  });

  it("deliver a malformed entry as an error item that can be acked", async () => {
    await store.ensureConsumerGroup("events", "exporter");
    const badId = (await raw.xadd(events, "*", "data", "{not json")) as string;
    await store.recordEvent(makeEvent(1));
    const items = await store.consume("events", "exporter", "worker", { count: 10 });
    expect(items).toHaveLength(2);
    const bad = items[0];
    expect(bad).toMatchObject({ type: "error", id: badId, fields: { data: "{not json" } });
    if (bad?.type !== "error") throw new Error("expected an error item");
    expect(bad.anomaly).toMatchObject({ type: "CORRUPTED_LINE", path: events });
    expect(bad.anomaly.detail).toContain(badId);
    expect(await store.ack("events", "exporter", [badId])).toBe(1);
    expect((await store.pending("events", "exporter")).consumers).toEqual([
      { name: "worker", pending: 1 },
    ]);
  });

  it("claim and autoClaim hand idle entries to another consumer, and report deleted ones", async () => {
    for (let n = 1; n <= 3; n++) await store.recordAudit(makeAudit(n));
    await store.ensureConsumerGroup("audits", "g");
    const taken = await store.consume("audits", "g", "crashed", { count: 3 });
    expect(taken).toHaveLength(3);
    const [a, b, c] = taken.map((i) => i.id) as [string, string, string];

    const claimed = await store.claim("audits", "g", "rescuer", 0, [a]);
    expect(claimed.map((i) => i.id)).toEqual([a]);
    expect(claimed[0]?.type).toBe("record");

    // An entry deleted while pending (e.g. by recovery) is reported, not delivered.
    await raw.xdel(`${events.replace(/events$/, "audits")}`, c);
    const auto = await store.autoClaim("audits", "g", "rescuer", 0, { count: 10 });
    expect(auto.items.map((i) => i.id)).toEqual([a, b]);
    expect(auto.deletedIds).toEqual([c]);
    expect(auto.nextId).toBe("0-0");
    const pending = await store.pendingEntries("audits", "g");
    expect(pending.map((p) => p.consumer)).toEqual(["rescuer", "rescuer"]);
  });

  it("a blocking consume waits for new entries on its own connection while writes go on", async () => {
    await store.ensureConsumerGroup("events", "live", "$");
    const waiting = store.consume("events", "live", "tail", { count: 5, blockMs: 5000 });
    // Writes are not stuck behind the blocked read.
    await store.recordEvent(makeEvent(42));
    const items = await waiting;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: "record", record: { seq: 42 } });
  });
});
