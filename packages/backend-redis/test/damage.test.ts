import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode } from "@papyra/core";
import { RedisServer } from "@papyra/test-support";
import { makeEvent } from "@papyra/testkit";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openRedisStore, type RedisStore } from "../src/index.js";

let server: RedisServer;
let raw: Redis;
let store: RedisStore;
let prefix: string;
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
  prefix = `dmg-${randomUUID()}`;
  events = `${prefix}:local:events`;
  store = await openRedisStore({ url: server.url, prefix });
});

afterEach(async () => {
  await store.close();
});

/** Writes 1, then one entry of each kind of damage, then 2; returns the damaged ids. */
async function writeDamagedStore(): Promise<Record<string, string>> {
  await store.recordEvent(makeEvent(1));
  const ids = {
    noData: (await raw.xadd(events, "*", "payload", "x", "other", "y")) as string,
    notJson: (await raw.xadd(events, "*", "data", '{"kind": "event", "system_id": ')) as string,
    array: (await raw.xadd(events, "*", "data", "[1, 2, 3]")) as string,
    noKind: (await raw.xadd(events, "*", "data", '{"timestamp": 1.5}')) as string,
    badTimestamp: (await raw.xadd(
      events,
      "*",
      "data",
      '{"kind": "event", "timestamp": "yesterday"}',
    )) as string,
    notUtf8: (await raw.xadd(events, "*", "data", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))) as string,
  };
  await store.recordEvent(makeEvent(2));
  return ids;
}

describe("scan", () => {
  it("reports each damaged entry with its type, stream key and entry id, and changes nothing", async () => {
    const ids = await writeDamagedStore();
    const lengthBefore = await raw.xlen(events);
    const report = await store.scan();
    expect(report.records_scanned).toBe(2);
    expect(report.sampled).toBe(false);
    expect(report.location).toBe(`${prefix}:local@${server.url}/`.replace(/\/$/, ""));
    const byId = (id: string) => report.anomalies.find((a) => a.detail.includes(id));
    expect(byId(ids.noData as string)).toMatchObject({ type: "CORRUPTED_LINE", path: events });
    expect(byId(ids.noData as string)?.detail).toContain("no `data` field");
    expect(byId(ids.notJson as string)).toMatchObject({ type: "CORRUPTED_LINE", path: events });
    expect(byId(ids.array as string)).toMatchObject({ type: "CORRUPTED_LINE", path: events });
    expect(byId(ids.notUtf8 as string)).toMatchObject({ type: "CORRUPTED_LINE", path: events });
    expect(byId(ids.noKind as string)).toMatchObject({ type: "INVALID_RECORD", path: events });
    expect(byId(ids.badTimestamp as string)).toMatchObject({ type: "INVALID_RECORD" });
    expect(report.anomalies).toHaveLength(6);
    expect(await raw.xlen(events)).toBe(lengthBefore);
    expect(store.metrics.snapshot().anomaly_detected).toBe(6);
    // Listing skips damage and still returns every record.
    expect((await store.listEvents()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it("tells a real U+FFFD in a record from invalid UTF-8 bytes, and counts stored bytes exactly", async () => {
    const line = (payload: string) =>
      JSON.stringify({ kind: "event", ...makeEvent(1, { payload: { text: payload } }) });
    const replacement = line("caf\uFFFD \u00e9");
    await raw.xadd(events, "*", "data", replacement, "note", "\uFFFD");
    const plain = line("plain");
    await raw.xadd(events, "*", "data", plain);
    const broken = Buffer.concat([Buffer.from(line("x").slice(0, -2)), Buffer.from([0xff, 0x7d])]);
    const brokenId = (await raw.xadd(events, "*", "data", broken)) as string;
    const report = await store.scan();
    expect(report.records_scanned).toBe(2);
    expect(report.anomalies).toEqual([
      expect.objectContaining({ type: "CORRUPTED_LINE", path: events }),
    ]);
    expect(report.anomalies[0]?.detail).toContain(brokenId);
    expect(report.anomalies[0]?.detail).toContain("not valid UTF-8");
    const fieldBytes = (...fields: (string | Buffer)[]) =>
      fields.reduce((sum, f) => sum + Buffer.byteLength(f), 0);
    expect(report.bytes_scanned).toBe(
      fieldBytes("data", replacement, "note", "\uFFFD") +
        fieldBytes("data", plain) +
        fieldBytes("data", broken),
    );
  });

  it("sampleSize checks only the newest entries of each stream and says so", async () => {
    await writeDamagedStore();
    for (let n = 3; n <= 7; n++) await store.recordEvent(makeEvent(n));
    const sample = await store.scan({ sampleSize: 5 });
    expect(sample.sampled).toBe(true);
    expect(sample.anomalies).toEqual([]);
    expect(sample.records_scanned).toBe(5);
    const wider = await store.scan({ sampleSize: 7 });
    expect(wider.anomalies).toHaveLength(1);
    await expect(store.scan({ sampleSize: -1 })).rejects.toMatchObject({
      code: ErrorCode.validation,
    });
  });

  it("pages through a stream longer than one page without missing an entry", async () => {
    const pipeline = raw.pipeline();
    for (let n = 0; n < 1234; n++) {
      pipeline.xadd(events, "*", "data", JSON.stringify({ kind: "event", ...makeEvent(n) }));
    }
    pipeline.xadd(events, "*", "data", "garbage");
    await pipeline.exec();
    const report = await store.scan();
    expect(report.records_scanned).toBe(1234);
    expect(report.anomalies).toHaveLength(1);
    expect((await store.listEvents()).length).toBe(1234);
    expect((await store.listEvents({ limit: 3 })).map((e) => e.seq)).toEqual([1231, 1232, 1233]);
  });

  it("incremental scans check only what was added since the last clean scan", async () => {
    await store.recordEvent(makeEvent(1));
    // Never scanned clean: an incremental request checks everything.
    const first = await store.scan({ incremental: true });
    expect(first).toMatchObject({ incremental: false, records_scanned: 1, anomalies: [] });
    await store.recordEvent(makeEvent(2));
    const second = await store.scan({ incremental: true });
    expect(second).toMatchObject({ incremental: true, records_scanned: 1, anomalies: [] });
    const badId = (await raw.xadd(events, "*", "data", "oops")) as string;
    await store.recordEvent(makeEvent(3));
    const third = await store.scan({ incremental: true });
    expect(third.incremental).toBe(true);
    expect(third.records_scanned).toBe(1);
    expect(third.anomalies.map((a) => a.detail)).toEqual([expect.stringContaining(badId)]);
    // Damage found keeps the mark where it was: the next incremental scan still sees it.
    expect((await store.scan({ incremental: true })).anomalies).toHaveLength(1);
    // A full scan always checks everything.
    expect(await store.scan()).toMatchObject({ incremental: false, records_scanned: 3 });
  });

  it("an aborted scan rejects with the signal's reason and reports progress before", async () => {
    for (let n = 1; n <= 3; n++) await store.recordEvent(makeEvent(n));
    const progress: number[] = [];
    const report = await store.scan({ onProgress: (p) => progress.push(p.done) });
    expect(progress.at(-1)).toBe(3);
    expect(report.records_scanned).toBe(3);
    const controller = new AbortController();
    const reason = new Error("operator pressed ctrl-c");
    controller.abort(reason);
    await expect(store.scan({ signal: controller.signal })).rejects.toBe(reason);
  });

  it("reports a key of the wrong type without touching it", async () => {
    await raw.set(`${prefix}:local:audits`, "not a stream");
    const report = await store.scan();
    expect(report.anomalies).toEqual([
      expect.objectContaining({ type: "UNEXPECTED_FILE", path: `${prefix}:local:audits` }),
    ]);
    await store.recover({ mode: "repair" });
    expect(await raw.get(`${prefix}:local:audits`)).toBe("not a stream");
  });
});

describe("recover", () => {
  it("repair deletes the damaged entries and keeps every record in order", async () => {
    await writeDamagedStore();
    const report = await store.recover({ mode: "repair" });
    expect(report.scan_before.anomalies).toHaveLength(6);
    expect(report.dropped_damaged).toBe(6);
    expect(report.repaired_files).toEqual([events]);
    expect(report.quarantined_files).toEqual([]);
    expect(report.scan_after.anomalies).toEqual([]);
    expect(await raw.xlen(events)).toBe(2);
    expect((await store.listEvents()).map((e) => e.seq)).toEqual([1, 2]);
    expect(await raw.exists(`${prefix}:local:quarantine:${prefix}_local_events`)).toBe(0);
  });

  it("ignore mode only scans", async () => {
    await writeDamagedStore();
    const report = await store.recover({ mode: "ignore" });
    expect(report.scan_before.anomalies).toHaveLength(6);
    expect(report.dropped_damaged).toBe(0);
    expect(await raw.xlen(events)).toBe(8);
  });

  it("quarantine copies each damaged entry, with its original id, to the earlier implementation's quarantine stream before deleting it", async () => {
    const ids = await writeDamagedStore();
    const dir = mkdtempSync(join(tmpdir(), "papyra-quarantine-"));
    try {
      const report = await store.recover({ mode: "quarantine", quarantineDir: dir });
      expect(report.dropped_damaged).toBe(6);
      // The earlier implementation's layout: {prefix}:{system}:quarantine:{source key, ':' -> '_'}.
      const quarantineKey = `${prefix}:local:quarantine:${prefix}_local_events`;
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(report.quarantined_files).toEqual([quarantineKey, join(dir, files[0] as string)]);
      const copies = await raw.xrangeBuffer(quarantineKey, "-", "+");
      expect(copies).toHaveLength(6);
      const asText = copies.map(([, fields]) => fields.map((f) => f.toString("latin1")));
      const noData = asText.find((fields) => fields[7] === ids.noData) as string[];
      expect(noData.slice(0, 4)).toEqual(["source", events, "data", ""]);
      expect(noData[4]).toBe("timestamp");
      expect(Math.abs(Number(noData[5]) - Date.now() / 1000)).toBeLessThan(60);
      expect(noData.slice(6)).toEqual([
        "source_id",
        ids.noData,
        "fields",
        JSON.stringify({
          encoding: "utf8",
          fields: [
            ["payload", "x"],
            ["other", "y"],
          ],
        }),
      ]);
      // An entry that was one `data` field is its `data`, byte for byte, and nothing more.
      const notUtf8 = copies.find(([, fields]) => fields[7]?.toString() === ids.notUtf8);
      expect(notUtf8?.[1][3]).toEqual(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
      expect(notUtf8?.[1]).toHaveLength(8);
      const notJson = asText.find((fields) => fields[7] === ids.notJson) as string[];
      expect(notJson[3]).toBe('{"kind": "event", "system_id": ');
      const lines = readFileSync(join(dir, files[0] as string), "utf8")
        .trim()
        .split("\n");
      expect(lines).toHaveLength(6);
      expect(JSON.parse(lines[0] as string)).toEqual({
        source_key: events,
        source_id: ids.noData,
        encoding: "utf8",
        fields: [
          ["payload", "x"],
          ["other", "y"],
        ],
      });
      expect(report.scan_after.anomalies).toEqual([]);
      expect((await store.listEvents()).map((e) => e.seq)).toEqual([1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("quarantine without quarantineDir needs a store opened with an explicit quarantinePrefix", async () => {
    await writeDamagedStore();
    await expect(store.recover({ mode: "quarantine" })).rejects.toMatchObject({
      code: ErrorCode.validation,
    });
    expect(await raw.xlen(events)).toBe(8);
    await using keyed = await openRedisStore({
      url: server.url,
      prefix,
      quarantinePrefix: `${prefix}:damaged`,
    });
    const report = await keyed.recover({ mode: "quarantine" });
    const quarantineKey = `${prefix}:damaged:${prefix}_local_events`;
    expect(report.quarantined_files).toEqual([quarantineKey]);
    expect(await raw.xlen(quarantineKey)).toBe(6);
    expect(await raw.xlen(events)).toBe(2);
  });
});

describe("compact", () => {
  it("refuses to touch a damaged store and says to run recovery", async () => {
    await writeDamagedStore();
    await using limited = await openRedisStore({
      url: server.url,
      prefix,
      retention: { maxRecords: 1 },
    });
    await expect(limited.compact()).rejects.toMatchObject({ code: ErrorCode.damaged });
    await expect(limited.compact()).rejects.toThrow(/recover/);
    expect(await raw.xlen(events)).toBe(8);
    expect(limited.metrics.snapshot().compaction_errors).toBe(2);
  });
});
