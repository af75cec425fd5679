import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeRecord, PersistenceClosedError, type StoredActorEvent } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

/** Pulls records from a follow one at a time, so a test waits on records, never on time. */
function puller(records: AsyncIterable<StoredActorEvent>) {
  const iterator = records[Symbol.asyncIterator]();
  return {
    async next(count: number): Promise<number[]> {
      const ids: number[] = [];
      while (ids.length < count) {
        const { value, done } = await iterator.next();
        if (done) break;
        ids.push(value.payload.id as number);
      }
      return ids;
    },
    end: () => iterator.return?.(),
  };
}

describe("JSON store streams", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
  });
  afterEach(() => removeDir(dir));

  it("iterate yields what listing returns, retention applied, with each stored line byte for byte", async () => {
    const retention = { maxRecords: 3 };
    const writer = await openJsonStore({ path, retention });
    for (let id = 1; id <= 6; id++) await writer.recordEvent(event(id));
    await writer.recordDeadLetter({
      system_id: "sys",
      target: null,
      message_type: "M",
      payload: 1,
      timestamp: 1,
    });
    // A line as the Python implementation wrote it: kept exactly by iterate.
    const python =
      '{"kind": "event", "system_id": "sys", "actor_address": "sys:py", "event_type": "X", "payload": {"id": 7}, "timestamp": 1700000007.0, "extra": true}';
    await writer.close();
    await appendFile(path, `${python}\n{broken\n`);
    const reader = await openJsonStore({ path, retention, readOnly: true });
    const items = [];
    for await (const item of reader.iterate()) items.push(item);
    expect(items.map((i) => [i.kind, i.timestamp])).toEqual([
      ["event", 1_700_000_005],
      ["event", 1_700_000_006],
      ["dead_letter", 1],
      ["event", 1_700_000_007],
    ]);
    expect(items.filter((i) => i.kind === "event").map((i) => i.record)).toEqual(
      await reader.listEvents(),
    );
    expect(items[3]?.line).toBe(python);
    expect(items[0]?.line).toBe(encodeRecord("event", event(5)));
    const onlyLetters = [];
    for await (const item of reader.iterate({ kinds: ["dead_letter"], until: 10 }))
      onlyLetters.push(item.kind);
    expect(onlyLetters).toEqual(["dead_letter"]);
    await reader.close();
  });

  it("follow yields the backlog per limit, then appends; after a compaction rewrote the file it resumes after the last line read, without repeats", async () => {
    const writer = await openJsonStore({ path, retention: { maxRecords: 4 } });
    for (let id = 1; id <= 6; id++) await writer.recordEvent(event(id));
    const reader = await openJsonStore({ path, readOnly: true });
    const controller = new AbortController();
    const follow = puller(
      reader.follow("event", {
        signal: controller.signal,
        limit: 2,
        pollMs: 5,
        accept: (e) => e.payload.id !== 8,
      }),
    );
    expect(await follow.next(2)).toEqual([5, 6]);
    await writer.recordEvent(event(7));
    await writer.recordEvent(event(8)); // filtered out by accept
    await writer.recordEvent(event(9));
    expect(await follow.next(2)).toEqual([7, 9]);
    const report = await writer.compact(); // atomic rewrite keeping 6..9
    expect(report.removed_records).toBe(5);
    for (let id = 10; id <= 12; id++) await writer.recordEvent(event(id));
    expect(await follow.next(3)).toEqual([10, 11, 12]);
    controller.abort();
    expect(await follow.next(1)).toEqual([]); // ends once aborted
    await writer.close();
    await reader.close();
  });

  it("follow reads a line only once it is complete (a writer's partial append is never half read)", async () => {
    await appendFile(path, `${encodeRecord("event", event(1))}\n`);
    const reader = await openJsonStore({ path, readOnly: true });
    const controller = new AbortController();
    const follow = puller(reader.follow("event", { signal: controller.signal, limit: 1 }));
    expect(await follow.next(1)).toEqual([1]); // following from the end of line 1
    const line = encodeRecord("event", event(2));
    await appendFile(path, line.slice(0, 20));
    const next = follow.next(1);
    await appendFile(path, `${line.slice(20)}\n`);
    expect(await next).toEqual([2]);
    controller.abort();
    await follow.end();
    await reader.close();
  });

  it("counts streamed records as records_read, and iterate / follow pulled after close reject with PersistenceClosedError", async () => {
    const store = await openJsonStore({ path });
    for (let id = 1; id <= 3; id++) await store.recordEvent(event(id));
    const before = store.metrics.snapshot().records_read;
    let seen = 0;
    for await (const _ of store.iterate()) seen += 1;
    expect(seen).toBe(3);
    expect(store.metrics.snapshot().records_read - before).toBe(3);
    await store.close();
    await expect(store.iterate().next()).rejects.toBeInstanceOf(PersistenceClosedError);
    const follow = store.follow("event", { signal: new AbortController().signal });
    await expect(follow.next()).rejects.toBeInstanceOf(PersistenceClosedError);
  });
});
