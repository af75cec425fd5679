import { PersistenceClosedError } from "@papyra/core";
import { makeEvent } from "@papyra/testkit";
import { describe, expect, it } from "vitest";
import { createMemoryBackend } from "../src/index.js";

describe("memory backend streams", () => {
  it("iterate yields every kind's records within retention, oldest first, with lines that decode back", async () => {
    const backend = createMemoryBackend({ retention: { maxRecords: 2 } });
    for (let n = 1; n <= 4; n++) await backend.recordEvent(makeEvent(n));
    const items = [];
    for await (const item of backend.iterate()) items.push(item);
    expect(items.map((i) => i.record.seq)).toEqual([3, 4]);
    expect(JSON.parse(items[0]?.line ?? "")).toMatchObject({ kind: "event", seq: 3 });
  });

  it("follow yields the backlog per limit (filters first), then each record stored, and ends when aborted", async () => {
    const backend = createMemoryBackend();
    for (let n = 1; n <= 4; n++) await backend.recordEvent(makeEvent(n));
    const controller = new AbortController();
    const iterator = backend
      .follow("event", {
        signal: controller.signal,
        limit: 1,
        accept: (e) => e.seq !== 4 && e.seq !== 6,
      })
      [Symbol.asyncIterator]();
    const next = async () => ((await iterator.next()).value as { seq: number } | undefined)?.seq;
    expect(await next()).toBe(3);
    const pending = next();
    for (let n = 5; n <= 7; n++) await backend.recordEvent(makeEvent(n));
    expect([await pending, await next()]).toEqual([5, 7]);
    const ended = next();
    controller.abort();
    expect(await ended).toBeUndefined();
  });

  it("counts each streamed record once as records_read, and iterate / follow pulled after close reject with PersistenceClosedError", async () => {
    const backend = createMemoryBackend();
    for (let n = 1; n <= 3; n++) await backend.recordEvent(makeEvent(n));
    let seen = 0;
    for await (const _ of backend.iterate()) seen += 1;
    expect(seen).toBe(3);
    expect(backend.metrics.snapshot().records_read).toBe(3);
    await backend.close();
    await expect(backend.iterate().next()).rejects.toBeInstanceOf(PersistenceClosedError);
    const follow = backend.follow("event", { signal: new AbortController().signal });
    await expect(follow.next()).rejects.toBeInstanceOf(PersistenceClosedError);
  });
});
