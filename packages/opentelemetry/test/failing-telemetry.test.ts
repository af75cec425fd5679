import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type {
  BatchObservableCallback,
  Meter,
  MeterProvider,
  ObservableResult,
  Span,
  Tracer,
  TracerProvider,
} from "@opentelemetry/api";
import { openJsonStore } from "@papyra/backend-json";
import { createMemoryBackend } from "@papyra/backend-memory";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumentBackend, runTracedStartupCheck } from "../src/index.js";
import { event, eventLine, makeTempDir, removeDir } from "./helpers.js";

// A broken telemetry pipeline cannot be had from the real SDK on demand: these providers are
// hand-made, each throwing where a real one might (a bug, a full queue, a misconfiguration).

const boom = (): never => {
  throw new Error("telemetry is broken");
};

/** Every method of every object it hands out throws (or hands out another such object). */
function throwingObject<T>(): T {
  return new Proxy(
    {},
    {
      get: (_target, prop) => (prop === "then" ? undefined : boom),
    },
  ) as T;
}

const providers: Array<
  [string, { meterProvider?: MeterProvider; tracerProvider?: TracerProvider }]
> = [
  [
    "getMeter / getTracer throw",
    { meterProvider: { getMeter: boom }, tracerProvider: { getTracer: boom } },
  ],
  [
    "every meter and tracer method throws",
    {
      meterProvider: { getMeter: () => throwingObject<Meter>() },
      tracerProvider: { getTracer: () => throwingObject<Tracer>() },
    },
  ],
  [
    "spans start, then every span method throws",
    {
      tracerProvider: {
        getTracer: () =>
          ({
            startSpan: () => throwingObject<Span>(),
            startActiveSpan: boom,
          }) as unknown as Tracer,
      },
    },
  ],
];

describe("a failing meter or tracer never fails a storage call", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
    const lines = [1, 2, 3, 4].map(eventLine);
    lines[1] = "{not json";
    await writeFile(path, `${lines.join("\n")}\n`);
  });
  afterEach(() => removeDir(dir));

  for (const [name, options] of providers) {
    it(`${name}: same results and same rejections as the bare backend`, async () => {
      const { backend: store } = instrumentBackend(await openJsonStore({ path }), options);
      await store.recordEvent(event(10));
      expect(await store.listEvents()).toHaveLength(4);
      const scan = await store.scan();
      expect(scan.anomalies.map((a) => a.type)).toEqual(["CORRUPTED_LINE"]);
      const damaged = await store.compact().catch((e: unknown) => e);
      expect(damaged).toMatchObject({ code: "PAPYRA_DAMAGED" });
      const refused = await runTracedStartupCheck(
        store,
        { mode: "fail_on_anomaly" },
        options.tracerProvider ? { tracerProvider: options.tracerProvider } : {},
      ).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: "PAPYRA_STARTUP", reason: "anomalies" });
      const recovery = await store.recover({ mode: "repair" });
      expect(recovery.dropped_damaged).toBe(1);
      const result = await runTracedStartupCheck(store, { mode: "fail_on_anomaly" });
      expect(result.remaining_anomalies).toBe(0);
      await store.close();
      expect((await readFile(path, "utf8")).trimEnd().split("\n")).toEqual(
        [1, 3, 4, 10].map(eventLine),
      );
    });
  }

  it("a batch callback whose observe() throws is still harmless to collect and to the store", async () => {
    let captured: BatchObservableCallback | undefined;
    const meter = {
      createObservableCounter: () => ({}),
      addBatchObservableCallback: (callback: BatchObservableCallback) => {
        captured = callback;
      },
      removeBatchObservableCallback: boom,
    } as unknown as Meter;
    const instrumented = instrumentBackend(createMemoryBackend(), {
      meterProvider: { getMeter: () => meter },
    });
    await instrumented.backend.recordEvent(event(1));
    const result = { observe: boom } as unknown as ObservableResult;
    expect(() => captured?.(result as never)).not.toThrow();
    await instrumented.backend.close(); // removeBatchObservableCallback throws: close resolves
    expect(captured).toBeDefined();
  });

  it("a backend whose metrics.snapshot() throws is observed as nothing, and works", async () => {
    const memory = createMemoryBackend();
    let captured: BatchObservableCallback | undefined;
    const observed: unknown[] = [];
    const meter = {
      createObservableCounter: () => ({}),
      addBatchObservableCallback: (callback: BatchObservableCallback) => {
        captured = callback;
      },
      removeBatchObservableCallback: () => {},
    } as unknown as Meter;
    const { backend } = instrumentBackend(memory, { meterProvider: { getMeter: () => meter } });
    memory.metrics.snapshot = boom;
    await backend.recordEvent(event(1));
    captured?.({ observe: (...args: unknown[]) => observed.push(args) } as never);
    expect(observed).toEqual([]);
    expect(await backend.listEvents()).toHaveLength(1);
  });
});
