import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { RedisServer } from "@papyra/test-support";
import { makeAudit, makeDeadLetter, makeEvent } from "@papyra/testkit";
import { Redis, type RedisOptions } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedisStore, type RedisStore } from "../src/index.js";

let server: RedisServer;
let raw: Redis;
let dir: string;

beforeAll(async () => {
  server = await RedisServer.start();
  raw = new Redis(server.url);
  dir = mkdtempSync(join(tmpdir(), "papyra-replies-"));
});

afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Drops what differs from run to run (entry ids, idle times), keeps every shape. */
function stable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) => {
      if (key === "id" || key === "idleMs" || key === "nextId") return typeof v;
      if (key === "smallestId" || key === "greatestId") return v === null ? null : "id";
      if (key === "location" || key === "since") return typeof v;
      if (typeof v === "string") {
        return v
          .replace(/shapes-[0-9a-f-]{36}/g, "PREFIX")
          .replace(/\d{10,}-\d+/g, "ID")
          .replace(/redis-.*\.ndjson$/, "FILE")
          .replace(/@redis:\/\/\S+/, "@ENDPOINT");
      }
      return v;
    }),
  );
}

/** Everything the store reads from Redis, once: listings, scans, counters, groups, doctor. */
async function exercise(store: RedisStore, prefix: string): Promise<unknown> {
  const transcript: Record<string, unknown> = {};
  for (let n = 1; n <= 5; n++) await store.recordEvent(makeEvent(n));
  await store.recordAudit(makeAudit(1));
  await store.recordDeadLetter(makeDeadLetter(1));
  await raw.xadd(`${prefix}:local:events`, "*", "data", "{broken");
  transcript.list = await store.listEvents({ limit: 3, reverse: true });
  transcript.audits = await store.listAudits();
  transcript.deadLetters = await store.listDeadLetters({ since: 0 });
  transcript.scan = await store.scan();
  transcript.sample = await store.scan({ sampleSize: 2 });
  transcript.recover = await store.recover({ mode: "quarantine", quarantineDir: dir });
  transcript.incremental = await store.scan({ incremental: true });
  transcript.compact = await store.compact();
  transcript.stored = await store.readStoredMetrics();
  await store.resetStoredMetrics();
  transcript.afterReset = await store.readStoredMetrics();
  transcript.doctor = await store.diagnostics();

  transcript.created = await store.ensureConsumerGroup("events", "g");
  transcript.again = await store.ensureConsumerGroup("events", "g");
  const taken = await store.consume("events", "g", "a", { count: 3 });
  transcript.taken = taken;
  transcript.pending = await store.pending("events", "g");
  transcript.pendingEntries = await store.pendingEntries("events", "g", { consumer: "a" });
  transcript.claimed = await store.claim("events", "g", "b", 0, [taken[0]?.id ?? "0-1"]);
  await raw.xdel(`${prefix}:local:events`, taken[2]?.id ?? "0-1");
  transcript.autoClaim = await store.autoClaim("events", "g", "c", 0);
  transcript.acked = await store.ack(
    "events",
    "g",
    taken.map((item) => item.id),
  );
  transcript.rest = await store.consume("events", "g", "d", { count: 10 });
  const blocked = store.consume("events", "g", "d", { blockMs: 5000 });
  await sleep(50);
  await store.recordEvent(makeEvent(6));
  transcript.blocked = await blocked;
  transcript.nothing = await store.consume("events", "g", "d", { count: 5 });
  return stable(transcript);
}

const CLIENTS: Record<string, RedisOptions | null> = {
  "the store's own client (ioredis default: RESP3 on ioredis 6, legacy reply mapping)": null,
  "a given RESP2 client": { protocol: 2 },
  "a given RESP3 client with replyMapping resp3 (maps as objects)": {
    protocol: 3,
    replyMapping: "resp3",
  },
};

describe("reply shapes", () => {
  it("every operation gives the same results over RESP2, RESP3 and RESP3 with object maps", async () => {
    const transcripts: Record<string, unknown> = {};
    for (const [name, options] of Object.entries(CLIENTS)) {
      const prefix = `shapes-${randomUUID()}`;
      const client = options ? new Redis(server.url, options) : undefined;
      try {
        await using store = await openRedisStore({ url: server.url, prefix, client });
        transcripts[name] = await exercise(store, prefix);
      } finally {
        client?.disconnect();
      }
    }
    const [first, ...rest] = Object.values(transcripts);
    for (const other of rest) expect(other).toEqual(first);
    expect(first).toMatchObject({
      list: [makeEvent(5), makeEvent(4), makeEvent(3)],
      scan: { records_scanned: 7, anomalies: [{ type: "CORRUPTED_LINE" }] },
      recover: { dropped_damaged: 1 },
      // The recovery's clean scan afterwards set the mark an incremental scan starts from.
      incremental: { anomalies: [], incremental: true, records_scanned: 0 },
      stored: { counters: { records_written: 7 } },
      afterReset: { counters: { records_written: 0 } },
      doctor: [expect.stringMatching(/keeps nothing on disk/)],
      created: true,
      again: false,
      pending: { count: 3, consumers: [{ name: "a", pending: 3 }] },
      claimed: [{ type: "record", record: makeEvent(1) }],
      acked: 2,
      rest: [{ record: makeEvent(4) }, { record: makeEvent(5) }],
      blocked: [{ type: "record", record: makeEvent(6) }],
      nothing: [],
    });
    const autoClaim = (first as { autoClaim: { items: unknown[]; deletedIds: unknown[] } })
      .autoClaim;
    expect(autoClaim.items).toHaveLength(2);
    expect(autoClaim.deletedIds).toHaveLength(1);
  });
});
