import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { StoredActorEvent } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRotatingStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

describe("rotating store streams", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "app.log");
  });
  afterEach(() => removeDir(dir));

  it("iterate reads every segment oldest first, as listing does, retention applied", async () => {
    const options = { path, maxBytes: 1000, maxFiles: 6, retention: { maxRecords: 20 } };
    await using writer = await openRotatingStore(options);
    for (let id = 1; id <= 30; id++) await writer.recordEvent(event(id, 40));
    const segments = (await readdir(dir)).filter((name) => name.startsWith("app.log"));
    expect(segments.length).toBeGreaterThan(3);
    const ids: number[] = [];
    for await (const item of writer.iterate())
      ids.push((item.record as StoredActorEvent).payload.id as number);
    const listed = (await writer.listEvents()).map((e) => e.payload.id);
    expect(ids).toEqual(listed);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("follow continues across rotations and a compaction of the set, nothing repeated or skipped", async () => {
    const options = { path, maxBytes: 800, maxFiles: 50, retention: { maxRecords: 15 } };
    await using writer = await openRotatingStore(options);
    for (let id = 1; id <= 5; id++) await writer.recordEvent(event(id, 40));
    await using reader = await openRotatingStore({ ...options, readOnly: true });
    const controller = new AbortController();
    const iterator = reader
      .follow("event", { signal: controller.signal, limit: 1, pollMs: 5 })
      [Symbol.asyncIterator]();
    const take = async (count: number) => {
      const ids: number[] = [];
      while (ids.length < count) {
        const { value, done } = await iterator.next();
        if (done) break;
        ids.push(value.payload.id as number);
      }
      return ids;
    };
    expect(await take(1)).toEqual([5]);
    for (let id = 6; id <= 25; id++) await writer.recordEvent(event(id, 40)); // several rotations
    expect(await take(20)).toEqual(Array.from({ length: 20 }, (_, i) => 6 + i));
    await writer.compact();
    for (let id = 26; id <= 28; id++) await writer.recordEvent(event(id, 40));
    expect(await take(3)).toEqual([26, 27, 28]);
    controller.abort();
    expect(await take(1)).toEqual([]);
  });
});
