import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ActorEvent, PersistenceBackend } from "@papyra/core";
import { requireBackend } from "../backends.js";
import { eventPool, recordSource } from "../records.js";
import type { OtelAppendResult } from "../tasks.js";

/** One repetition's set-up: the store, and (when instrumented) the SDK to shut down after. */
interface Subject {
  store: PersistenceBackend;
  collections: () => number;
  shutdown(): Promise<void>;
}

/**
 * Opens a json `os` store, bare or instrumented by @papyra/opentelemetry with a real SDK
 * MeterProvider whose periodic reader collects every `collectIntervalMs` (far more often than
 * the SDK's 60 s default, so that collection cost shows) into an exporter that drops the data.
 */
async function openSubject(
  instrumented: boolean,
  path: string,
  collectIntervalMs: number,
): Promise<Subject> {
  const bare = await (await requireBackend("json"))({ path, durability: "os" });
  if (!instrumented) return { store: bare, collections: () => 0, shutdown: async () => {} };
  // Imported here so that the bare subject's process does not load the SDK.
  const { MeterProvider, PeriodicExportingMetricReader } = await import(
    "@opentelemetry/sdk-metrics"
  );
  const { instrumentBackend } = await import("@papyra/opentelemetry");
  let exports = 0;
  const reader = new PeriodicExportingMetricReader({
    exporter: {
      export: (_metrics, done) => {
        exports++;
        done({ code: 0 });
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    },
    exportIntervalMillis: collectIntervalMs,
    exportTimeoutMillis: collectIntervalMs,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const { backend } = instrumentBackend(bare, { meterProvider: provider });
  return { store: backend, collections: () => exports, shutdown: () => provider.shutdown() };
}

async function runOnce(
  instrumented: boolean,
  writers: number,
  durationMs: number,
  dir: string,
  collectIntervalMs: number,
  next: () => ActorEvent,
): Promise<{ rate: number; cpuRate: number; records: number; collections: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const subject = await openSubject(instrumented, join(dir, "store.ndjson"), collectIntervalMs);
  let records = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await subject.store.recordEvent(next());
      records++;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const collections = subject.collections();
  await subject.store.close();
  await subject.shutdown();
  rmSync(dir, { recursive: true, force: true });
  return {
    rate: (records * 1000) / elapsed,
    cpuRate: cpuMs > 0 ? (records * 1000) / cpuMs : 0,
    records,
    collections,
  };
}

/** Nanoseconds per call of `call`, the least of five runs of `n` calls (the least is the cost). */
async function nsPerCall(n: number, call: () => Promise<void>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await call();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / n);
  }
  return best;
}

/**
 * What instrumentation adds, measured apart so that the machine's load hardly matters: the
 * extra time of one `recordEvent` call through the instrumented wrapper (on a backend whose
 * `recordEvent` does nothing), and the time of one collection of the 11 counters by the SDK.
 */
async function measureCosts(): Promise<{ callNs: number; collectUs: number }> {
  const { MeterProvider, PeriodicExportingMetricReader } = await import(
    "@opentelemetry/sdk-metrics"
  );
  const { instrumentBackend } = await import("@papyra/opentelemetry");
  const memory = await (await requireBackend("memory"))({});
  const nothing = async (): Promise<void> => {};
  const stub: PersistenceBackend = {
    recordEvent: nothing,
    recordAudit: nothing,
    recordDeadLetter: nothing,
    listEvents: async () => [],
    listAudits: async () => [],
    listDeadLetters: async () => [],
    close: nothing,
    [Symbol.asyncDispose]: nothing,
  };
  const { backend: wrapped } = instrumentBackend(stub);
  const event = eventPool(1)[0] as ActorEvent;
  const calls = 1_000_000;
  const direct = await nsPerCall(calls, () => stub.recordEvent(event));
  const through = await nsPerCall(calls, () => wrapped.recordEvent(event));
  let exports = 0;
  const reader = new PeriodicExportingMetricReader({
    exporter: {
      export: (_metrics, done) => {
        exports++;
        done({ code: 0 });
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    },
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  instrumentBackend(memory, { meterProvider: provider });
  const collectNs = await nsPerCall(2_000, () => reader.forceFlush());
  await provider.shutdown();
  await memory.close();
  if (exports === 0) throw new Error("the SDK exported nothing");
  return { callNs: Math.max(0, through - direct), collectUs: collectNs / 1000 };
}

/**
 * json `os` appends, bare and instrumented (see {@link openSubject}) in one process: a warmup of
 * each, then `rounds` rounds of one repetition of each, in ABBA order (bare first in even
 * rounds, instrumented first in odd ones) so that drift in the machine's load cancels out, each
 * repetition from an empty store. Each repetition gives records per wall-clock second and per
 * CPU second of this process (user + system): the latter is what the appends cost, whatever
 * else the machine is running.
 */
export async function runOtelAppend(task: {
  writers: number;
  durationMs: number;
  rounds: number;
  dir: string;
  collectIntervalMs: number;
}): Promise<OtelAppendResult> {
  const next = recordSource(eventPool(8192));
  const { writers, dir, collectIntervalMs } = task;
  const result: OtelAppendResult = {
    bare: [],
    instrumented: [],
    bareCpu: [],
    instrumentedCpu: [],
    records: 0,
    collections: 0,
    callNs: 0,
    collectUs: 0,
  };
  const warmupMs = Math.min(300, task.durationMs);
  for (const instrumented of [false, true]) {
    await runOnce(instrumented, writers, warmupMs, dir, collectIntervalMs, next);
  }
  for (let round = 0; round < task.rounds; round++) {
    const order = round % 2 === 0 ? [false, true] : [true, false];
    for (const instrumented of order) {
      const once = await runOnce(
        instrumented,
        writers,
        task.durationMs,
        dir,
        collectIntervalMs,
        next,
      );
      (instrumented ? result.instrumented : result.bare).push(once.rate);
      (instrumented ? result.instrumentedCpu : result.bareCpu).push(once.cpuRate);
      if (instrumented) {
        result.records += once.records;
        result.collections += once.collections;
      }
    }
  }
  Object.assign(result, await measureCosts());
  return result;
}
