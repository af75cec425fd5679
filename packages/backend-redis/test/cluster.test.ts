import { randomUUID } from "node:crypto";
import { RedisCluster } from "@papyra/test-support";
import { makeEvent, runConformanceSuite } from "@papyra/testkit";
import { Cluster } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openRedisStore } from "../src/index.js";

let cluster: RedisCluster;
let prefix = "";

beforeAll(async () => {
  cluster = await RedisCluster.start();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

function seedUrl(): string {
  return (cluster.nodes[0] as { url: string }).url;
}

runConformanceSuite(
  { describe, it, beforeEach, afterEach },
  {
    name: "redis (3-master cluster)",
    create: async ({ retention }) => {
      prefix = `cl-${randomUUID()}`;
      return openRedisStore({ url: seedUrl(), cluster: true, prefix, retention });
    },
    reopen: async ({ retention }) =>
      openRedisStore({ url: seedUrl(), cluster: true, prefix, retention }),
  },
);

describe("on a cluster", () => {
  it("spreads one store's keys over several masters and still works with a client you pass", async () => {
    const client = new Cluster([{ host: "127.0.0.1", port: cluster.nodes[1]?.port ?? 0 }], {
      enableOfflineQueue: false,
    });
    try {
      // The default layout (papyra:local:*) puts the three streams on three different masters.
      await using store = await openRedisStore({ client });
      await store.recordEvent(makeEvent(1));
      await store.recordAudit({
        system_id: "s",
        timestamp: 1,
        total_actors: 0,
        alive_actors: 0,
        stopping_actors: 0,
        restarting_actors: 0,
        registry_size: 0,
        registry_orphans: [],
        registry_dead: [],
        dead_letters_count: 0,
      });
      const slots = new Set(
        Object.values(store.keys.streams).map((key) => client.slots[slotOf(key)]?.join(",")),
      );
      expect(slots.size).toBe(3);
      expect((await store.listEvents()).map((e) => e.seq)).toEqual([1]);
      await store.ensureConsumerGroup("events", "g");
      expect(await store.consume("events", "g", "c")).toHaveLength(1);
      // A blocking read on a cluster runs on its own connection and times out empty.
      expect(await store.consume("events", "g", "c", { blockMs: 50 })).toEqual([]);
      expect((await store.readStoredMetrics()).counters.records_written).toBeGreaterThanOrEqual(2);
      expect(await store.diagnostics()).toHaveLength(3);
    } finally {
      client.disconnect();
    }
  });
});

/** CRC16 key slot, as Redis Cluster computes it (no hash tags in these keys). */
function slotOf(key: string): number {
  let crc = 0;
  for (const byte of Buffer.from(key)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
