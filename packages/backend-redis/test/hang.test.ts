import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ErrorCode } from "@papyra/core";
import { RedisServer } from "@papyra/test-support";
import { makeEvent } from "@papyra/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRedisStore, type RedisStore } from "../src/index.js";

/**
 * The bound the README documents: a call settles within commandTimeoutMs of being made, plus
 * timer latency. Timer latency is milliseconds on an idle event loop (and the frozen server
 * leaves this process mostly idle); 1.5 s covers a loaded two-core CI machine. Without the
 * store's own deadlines a call queued behind a stuck pipeline took almost twice
 * commandTimeoutMs (3.9 s here), so the margin still tells the two apart.
 */
const COMMAND_TIMEOUT_MS = 2000;
setFlagsFromString("--expose-gc");
/** A full garbage collection, so heap figures count what is held, not what awaits collection. */
const collectGarbage = runInNewContext("gc") as () => void;
const MARGIN_MS = 1500;

type Outcome = { error: unknown; elapsedMs: number };

function timed(call: () => Promise<unknown>): Promise<Outcome> {
  const start = performance.now();
  return call().then(
    () => ({ error: null, elapsedMs: performance.now() - start }),
    (error: unknown) => ({ error, elapsedMs: performance.now() - start }),
  );
}

let server: RedisServer;
let store: RedisStore;
let seq = 0;

beforeEach(async () => {
  server = await RedisServer.start();
});

afterEach(async () => {
  server.thaw();
  await store?.close();
  await server.stop();
});

async function open(options: { maxInFlight?: number } = {}): Promise<RedisStore> {
  store = await openRedisStore({
    url: server.url,
    prefix: randomUUID(),
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    offlineTimeoutMs: COMMAND_TIMEOUT_MS,
    metricsFlushIntervalMs: 200,
    ...options,
  });
  return store;
}

const write = () => store.recordEvent(makeEvent(++seq));

describe("a frozen server (SIGSTOP)", () => {
  it("64 concurrent writers each get their rejection within commandTimeoutMs, also queued behind a stuck pipeline", async () => {
    await open();
    await write();
    server.freeze();
    // A call at the head of the pipeline, stuck like a metrics flush would be (the flush runs
    // every 200 ms here too); the writers start once it has been sent.
    const head = timed(write);
    await sleep(100);
    const writers = await Promise.all(
      Array.from({ length: 64 }, async () => [await timed(write), await timed(write)]),
    );
    const outcomes = [await head, ...writers.flat()];
    expect(outcomes).toHaveLength(129);
    for (const { error, elapsedMs } of outcomes) {
      expect(error).toMatchObject({ code: ErrorCode.unavailable });
      expect(elapsedMs).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }
    expect((await head).error).toMatchObject({
      message: expect.stringMatching(/did not answer within 2000 ms.*may still have been/),
    });
  });

  it("a burst of unawaited calls: each rejects within the bound, those beyond maxInFlight at once and unsent", async () => {
    await open({ maxInFlight: 300 });
    server.freeze();
    const burst = Array.from({ length: 3000 }, () => timed(write));
    expect(store.inFlight).toBe(300);
    const outcomes = await Promise.all(burst);
    const refused = outcomes.filter(({ error }) =>
      /maxInFlight 300.*not sent/.test(String((error as Error).message)),
    );
    expect(refused).toHaveLength(2700);
    for (const { error, elapsedMs } of outcomes) {
      expect(error).toMatchObject({ code: ErrorCode.unavailable });
      expect(elapsedMs).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }
    // Refusals are immediate: each settled before any admitted call reached its deadline.
    for (const { elapsedMs } of refused) expect(elapsedMs).toBeLessThan(COMMAND_TIMEOUT_MS);
  });

  it("keeps calls in flight and memory bounded while thousands of calls are attempted", async () => {
    await open({ maxInFlight: 200 });
    server.freeze();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    let maxInFlight = 0;
    let rejected = 0;
    let slowestMs = 0;
    // Outcomes are counted, not kept: this test measures what the store holds, not itself.
    const count = ({ error, elapsedMs }: Outcome) => {
      if (error !== null) rejected += 1;
      slowestMs = Math.max(slowestMs, elapsedMs);
    };
    // 40 rounds of 1,000 calls, 50 ms apart: 40,000 calls over more than one deadline.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 1000; i++) void timed(write).then(count);
      maxInFlight = Math.max(maxInFlight, store.inFlight);
      await sleep(50);
      maxInFlight = Math.max(maxInFlight, store.inFlight);
    }
    while (rejected < 40_000) await sleep(50);
    // Still frozen: whatever the client holds for the server is still held.
    collectGarbage();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    expect(maxInFlight).toBeLessThanOrEqual(200);
    expect(slowestMs).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    // Unbounded, the client held every call sent to the frozen server (+182 MB for these
    // 40,000 before this change); bounded, what is held is at most 200 calls.
    expect(heapGrowthMb).toBeLessThan(16);
  });

  it("close() settles in bounded time while the server stays frozen", async () => {
    await open();
    await write();
    server.freeze();
    const pending = timed(write);
    const closing = timed(() => store.close());
    // Pending writes settle, the final metrics flush and QUIT are bounded like any call.
    expect((await closing).elapsedMs).toBeLessThan(3 * COMMAND_TIMEOUT_MS + MARGIN_MS);
    expect((await pending).error).toMatchObject({ code: ErrorCode.unavailable });
    await expect(write()).rejects.toMatchObject({ code: ErrorCode.closed });
  });

  it("after SIGCONT writing resumes by itself; every acknowledged record is there, and timed-out ones may be too (at-least-once)", async () => {
    await open();
    const acknowledged: number[] = [];
    const rejected: number[] = [];
    const writeOne = async () => {
      const n = ++seq;
      try {
        await store.recordEvent(makeEvent(n));
        acknowledged.push(n);
      } catch {
        rejected.push(n);
      }
    };
    await Promise.all(Array.from({ length: 20 }, writeOne));
    server.freeze();
    await Promise.all(Array.from({ length: 20 }, writeOne));
    expect(rejected).toHaveLength(20);
    server.thaw();
    let resumed = false;
    for (let attempt = 0; attempt < 100 && !resumed; attempt++) {
      const before = acknowledged.length;
      await writeOne();
      resumed = acknowledged.length > before;
      if (!resumed) await sleep(100);
    }
    expect(resumed).toBe(true);
    const stored = new Set((await store.listEvents()).map((event) => event.seq as number));
    expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
    // The frozen server had the rejected writes in its socket buffer and applied them once it
    // ran again: a rejection on a timeout does not mean "not stored".
    expect(rejected.filter((n) => stored.has(n)).length).toBeGreaterThan(0);
  });
});
