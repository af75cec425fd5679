import { describe, expect, it, vi } from "vitest";
import {
  createRecorder,
  type DropReport,
  PersistenceValidationError,
  type RecorderOptions,
  type WriteErrorReport,
} from "../src/index.js";
import { ControlledStore } from "./controlled-store.js";

const address = { system: "shop", actor_id: "order/payment" };
const started = (n: number) => ({
  actor_address: address,
  event_type: "ActorStarted",
  payload: { n },
});
const audit = {
  total_actors: 3,
  alive_actors: 2,
  stopping_actors: 0,
  restarting_actors: 0,
  registry_size: 2,
  registry_orphans: [],
  registry_dead: ["shop:order/payment"],
  dead_letters_count: 1,
};

function setUp(options: Partial<RecorderOptions> = {}) {
  const store = new ControlledStore();
  const drops: DropReport[] = [];
  const errors: WriteErrorReport[] = [];
  const recorder = createRecorder(store, {
    systemId: "shop",
    retryDelayMs: 5,
    maxRetryDelayMs: 20,
    onDrop: (report) => drops.push(report),
    onError: (report) => errors.push(report),
    ...options,
  });
  return { store, recorder, drops, errors };
}

describe("createRecorder", () => {
  it("returns at once and writes every record in the background, in order, with system_id and timestamp filled in", async () => {
    const { store, recorder } = setUp();
    const before = Date.now() / 1000;
    expect(recorder.event(started(1))).toBeUndefined();
    recorder.deadLetter({ target: address, message_type: "PAY", payload: { amount: 5 } });
    recorder.audit(audit);
    recorder.event({ ...started(2), system_id: "other", timestamp: 12.5 });
    // Nothing is written synchronously: the caller never waits for the store.
    expect(store.attempts).toBe(0);
    expect(await recorder.flush()).toEqual({ drained: true, pending_records: 0 });
    expect(store.lines.map((l) => l.kind)).toEqual(["event", "dead_letter", "audit", "event"]);
    const [first, , , last] = store.lines.map((l) => l.record);
    expect(first).toMatchObject({
      system_id: "shop",
      event_type: "ActorStarted",
      payload: { n: 1 },
    });
    expect(first?.timestamp).toBeGreaterThanOrEqual(before);
    expect(last).toMatchObject({ system_id: "other", timestamp: 12.5 });
    expect(store.of("audit")[0]).toMatchObject({ ...audit, dropped_records: 0 });
    expect(recorder.metrics.snapshot()).toMatchObject({
      recorder_records_received: 4,
      recorder_records_written: 4,
      recorder_records_dropped: 0,
      recorder_pending_records: 0,
    });
  });

  it("hands records to the backend in batches of at most batchSize", async () => {
    const { store, recorder } = setUp({ batchSize: 4 });
    for (let i = 0; i < 10; i++) recorder.event(started(i));
    await recorder.flush();
    expect(store.maxInFlight).toBe(4);
    expect(store.of("event").map((r) => (r.payload as { n: number }).n)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(recorder.metrics.snapshot().recorder_batches).toBe(3);
  });

  it("keeps records while the store fails, retries them, and writes them once it is back", async () => {
    const { store, recorder, errors, drops } = setUp();
    store.mode = "fail";
    for (let i = 0; i < 5; i++) recorder.event(started(i));
    await recorder.flush(50);
    expect(store.lines).toHaveLength(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ records: 5, retry_in_ms: 5 });
    expect(String(errors[0]?.error)).toContain("ENOSPC");
    expect(recorder.metrics.snapshot().recorder_pending_records).toBe(5);
    store.mode = "ok";
    expect((await recorder.flush()).drained).toBe(true);
    expect(store.of("event").map((r) => (r.payload as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    expect(drops).toEqual([]);
  });

  it("bounds what waits by count, drops the excess with a count, and reports it in the next audit written", async () => {
    const { store, recorder, drops } = setUp({ maxPendingRecords: 5 });
    store.mode = "hang";
    for (let i = 0; i < 12; i++) recorder.event(started(i));
    await Promise.resolve();
    expect(recorder.metrics.snapshot()).toMatchObject({
      recorder_pending_records: 5,
      recorder_records_dropped: 7,
      recorder_dropped_overflow: 7,
      recorder_dropped_events: 7,
    });
    expect(drops).toEqual([
      expect.objectContaining({ reason: "overflow", count: 7, total_dropped: 7 }),
    ]);
    store.release();
    await recorder.flush();
    recorder.audit(audit);
    recorder.audit(audit);
    await recorder.flush();
    expect(store.of("event")).toHaveLength(5);
    expect(store.of("audit").map((a) => a.dropped_records)).toEqual([7, 0]);
  });

  it("bounds what waits by bytes", async () => {
    const { store, recorder } = setUp({ maxPendingBytes: 1000 });
    store.mode = "hang";
    for (let i = 0; i < 20; i++) recorder.event(started(i));
    const { recorder_pending_bytes: bytes, recorder_pending_records: waiting } =
      recorder.metrics.snapshot();
    expect(bytes).toBeLessThanOrEqual(1000);
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThan(20);
    store.release();
    await recorder.flush();
    expect(store.of("event")).toHaveLength(waiting);
  });

  it("makes room for an audit by dropping the newest waiting event, so the drop count is not lost", async () => {
    const { store, recorder } = setUp({ maxPendingRecords: 3, batchSize: 1 });
    store.mode = "hang";
    for (let i = 0; i < 4; i++) recorder.event(started(i));
    recorder.audit(audit);
    store.release();
    await recorder.flush();
    expect(store.lines.map((l) => l.kind)).toEqual(["event", "event", "audit"]);
    expect(store.of("audit")[0]?.dropped_records).toBe(2);
  });

  it("drops records the store refuses, and values JSON cannot carry, without throwing", async () => {
    const { store, recorder, drops } = setUp();
    expect(() =>
      recorder.event({ ...started(1), payload: { big: 10n } as Record<string, unknown> }),
    ).not.toThrow();
    recorder.event({ ...started(2), payload: { when: new Date(0) } });
    recorder.event(started(3));
    await recorder.flush();
    expect(store.of("event").map((r) => (r.payload as { n: number }).n)).toEqual([3]);
    expect(recorder.metrics.snapshot().recorder_dropped_invalid).toBe(2);
    expect(drops.map((d) => d.reason)).toEqual(["invalid", "invalid"]);
    expect(drops[1]?.error).toBeInstanceOf(PersistenceValidationError);
  });

  it("never lets a throwing hook reach the caller", async () => {
    const store = new ControlledStore();
    const recorder = createRecorder(store, {
      systemId: "shop",
      maxPendingRecords: 1,
      retryDelayMs: 5,
      onDrop: () => {
        throw new Error("hook bug");
      },
      onError: () => {
        throw new Error("hook bug");
      },
    });
    store.mode = "fail";
    expect(() => {
      for (let i = 0; i < 5; i++) recorder.event(started(i));
    }).not.toThrow();
    await recorder.flush(30);
    store.mode = "ok";
    expect((await recorder.flush()).drained).toBe(true);
    expect(store.of("event")).toHaveLength(1);
  });

  it("flush gives up after its timeout while the store hangs; close drops what is left and refuses later records", async () => {
    const { store, recorder, drops } = setUp();
    store.mode = "hang";
    recorder.event(started(1));
    recorder.event(started(2));
    expect(await recorder.flush(20)).toEqual({ drained: false, pending_records: 2 });
    const closing = recorder.close(20);
    expect(recorder.closed).toBe(true);
    recorder.event(started(3));
    expect(await closing).toEqual({ drained: false, pending_records: 2 });
    expect(recorder.close()).toBe(closing);
    store.release();
    // The two in flight reach the store after all; the one sent after close never will.
    await vi.waitFor(() => expect(store.of("event")).toHaveLength(2));
    expect(recorder.metrics.snapshot()).toMatchObject({
      recorder_records_written: 2,
      recorder_dropped_closed: 1,
    });
    expect(drops.some((d) => d.reason === "closed")).toBe(true);
  });

  it("close drains everything when the store is healthy", async () => {
    const { store, recorder } = setUp();
    for (let i = 0; i < 50; i++) recorder.event(started(i));
    expect(await recorder.close()).toEqual({ drained: true, pending_records: 0 });
    expect(store.of("event")).toHaveLength(50);
  });

  it("drops as closed what a closed backend refuses, without retrying", async () => {
    const { store, recorder } = setUp();
    await store.close();
    recorder.event(started(1));
    await recorder.flush();
    expect(store.attempts).toBe(1);
    expect(recorder.metrics.snapshot().recorder_dropped_closed).toBe(1);
  });

  it("rejects bad options with every problem named", () => {
    const store = new ControlledStore();
    expect(() =>
      createRecorder(store, { systemId: "", maxPendingRecords: 0, batchSize: 1.5 }),
    ).toThrow(/systemId must be a non-empty string[\s\S]*maxPendingRecords[\s\S]*batchSize/);
  });
});
