import { RedisServer } from "@papyra/test-support";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedisStore } from "../src/index.js";
import { pythonEscapedLines, pythonExpected, pythonLines } from "./support/fixtures.js";

let server: RedisServer;
let raw: Redis;

/** XADDs lines the way the earlier implementation did: one `data` field, stream by kind. */
async function writeAsPython(prefix: string, lines: string[]): Promise<void> {
  for (const line of lines) {
    const kind = (JSON.parse(line) as { kind: string }).kind;
    const stream = kind === "event" ? "events" : kind === "audit" ? "audits" : "dead_letters";
    await raw.xadd(`${prefix}:local:${stream}`, "*", "data", line);
  }
}

beforeAll(async () => {
  server = await RedisServer.start();
  raw = new Redis(server.url);
  // JSON with ", " / ": " separators and `kind` first, in `papyra:local:<kind>s`.
  await writeAsPython("papyra", pythonLines());
  // `kind` last and `\uXXXX` escapes.
  await writeAsPython("escaped", pythonEscapedLines());
});

afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
});

describe("streams written by the earlier implementation", () => {
  it("are listed exactly as expected.json says, with the default key layout", async () => {
    await using store = await openRedisStore({ url: server.url });
    expect(store.keys.streams).toEqual({
      events: "papyra:local:events",
      audits: "papyra:local:audits",
      dead_letters: "papyra:local:dead_letters",
    });
    const expected = pythonExpected();
    expect(await store.listEvents()).toEqual(expected.events);
    expect(await store.listAudits()).toEqual(expected.audits);
    expect(await store.listDeadLetters()).toEqual(expected.dead_letters);
  });

  it("are read the same when `kind` comes last and non-ASCII is escaped", async () => {
    await using store = await openRedisStore({ url: server.url, prefix: "escaped" });
    const expected = pythonExpected();
    expect(await store.listEvents()).toEqual(expected.events);
    expect(await store.listAudits()).toEqual(expected.audits);
    expect(await store.listDeadLetters()).toEqual(expected.dead_letters);
    expect((await store.scan()).anomalies).toEqual([]);
  });

  it("scan finds no anomaly and compaction without retention keeps every record", async () => {
    await using store = await openRedisStore({ url: server.url });
    const report = await store.scan();
    expect(report.anomalies).toEqual([]);
    expect(report.records_scanned).toBe(17);
    const compaction = await store.compact();
    expect(compaction.before_records).toBe(17);
    expect(compaction.after_records).toBe(17);
    expect(compaction.removed_records).toBe(0);
    expect(await store.listEvents()).toEqual(pythonExpected().events);
  });

  it("new records are written in the same layout: one `data` field, kind first", async () => {
    await using store = await openRedisStore({ url: server.url, systemId: "fresh" });
    await store.recordDeadLetter({
      system_id: "fresh",
      target: null,
      message_type: "str",
      payload: "héllo",
      timestamp: 1763769600.5,
    });
    const entries = await raw.xrange("papyra:fresh:dead_letters", "-", "+");
    expect(entries).toHaveLength(1);
    const [, fields] = entries[0] as [string, string[]];
    expect(fields[0]).toBe("data");
    expect(fields).toHaveLength(2);
    expect(JSON.parse(fields[1] as string)).toEqual({
      kind: "dead_letter",
      system_id: "fresh",
      target: null,
      message_type: "str",
      payload: "héllo",
      timestamp: 1763769600.5,
    });
    expect((fields[1] as string).startsWith('{"kind":"dead_letter"')).toBe(true);
  });
});
