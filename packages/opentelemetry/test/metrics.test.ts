import { stat } from "node:fs/promises";
import { join } from "node:path";
import { openJsonStore } from "@papyra/backend-json";
import { createMemoryBackend } from "@papyra/backend-memory";
import { METRIC_NAMES } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumentBackend, PAPYRA_COUNTERS } from "../src/index.js";
import { event, makeTempDir, metricsHarness, removeDir } from "./helpers.js";

describe("the 11 counters through the real metrics SDK", () => {
  let dir: string;
  let harness: ReturnType<typeof metricsHarness>;
  beforeEach(async () => {
    dir = await makeTempDir();
    harness = metricsHarness();
  });
  afterEach(async () => {
    await harness.shutdown();
    await removeDir(dir);
  });

  it("a JSON store in a temp dir: every counter equals the snapshot, with backend and store attributes", async () => {
    const path = join(dir, "store.ndjson");
    const { backend: store } = instrumentBackend(await openJsonStore({ path }), {
      meterProvider: harness.provider,
      attributes: { "service.role": "orders" },
    });
    for (let id = 1; id <= 25; id++) await store.recordEvent(event(id));
    await store.listEvents({ limit: 10 });
    await store.scan();
    const snapshot = store.metrics.snapshot();
    expect(snapshot.records_written).toBe(25);
    expect(snapshot.bytes_written).toBe((await stat(path)).size);

    const exported = await harness.collect();
    for (const definition of PAPYRA_COUNTERS) {
      const metric = exported.get(definition.otelName);
      expect(metric, definition.otelName).toBeDefined();
      expect(metric?.unit).toBe(definition.unit);
      expect(metric?.description).toBe(definition.description);
      expect(metric?.points).toHaveLength(1);
      expect(metric?.points[0]?.value).toBe(snapshot[definition.counter]);
      expect(metric?.points[0]?.attributes).toEqual({
        "papyra.backend": "json",
        "papyra.store": path,
        "service.role": "orders",
      });
    }
    expect(exported.get("papyra.records.written")?.points[0]?.value).toBe(25);
    expect(exported.get("papyra.bytes.written")?.unit).toBe("By");
    expect(exported.get("papyra.records.read")?.points[0]?.value).toBe(10);
    expect(exported.get("papyra.scan.operations")?.points[0]?.value).toBe(1);
    await store.close();
  });

  it("the memory backend: values follow writes between collections; names follow OTel guidance", async () => {
    const { backend } = instrumentBackend(createMemoryBackend(), {
      meterProvider: harness.provider,
    });
    await backend.recordEvent(event(1));
    let exported = await harness.collect();
    expect(exported.get("papyra.records.written")?.points[0]?.value).toBe(1);
    expect(exported.get("papyra.records.written")?.points[0]?.attributes).toEqual({
      "papyra.backend": "memory",
      "papyra.store": "memory",
    });
    await backend.recordEvent(event(2));
    await backend.recordEvent(event(3));
    exported = await harness.collect();
    expect(exported.get("papyra.records.written")?.points[0]?.value).toBe(3);
    expect(exported.get("papyra.bytes.written")?.points[0]?.value).toBe(
      backend.metrics.snapshot().bytes_written,
    );
    // Dot-separated lower-case namespaces, no `_total` (the Prometheus exporter adds it), UCUM units.
    expect([...exported.keys()].filter((n) => n.startsWith("papyra.")).sort()).toEqual(
      METRIC_NAMES.map((n) => `papyra.${n.replaceAll("_", ".")}`).sort(),
    );
    for (const name of exported.keys()) expect(name).toMatch(/^papyra(\.[a-z]+)+$/);
    await backend.close();
  });

  it("close() unregisters the callback: later collections no longer read the backend", async () => {
    const memory = createMemoryBackend();
    const { backend } = instrumentBackend(memory, { meterProvider: harness.provider });
    await backend.recordEvent(event(1));
    expect((await harness.collect()).get("papyra.records.written")?.points[0]?.value).toBe(1);
    await backend.close();
    // The backend's own counters still move (a reopened writer, a test), the SDK no longer asks.
    memory.metrics.increment("records_written", 41);
    const after = (await harness.collect()).get("papyra.records.written");
    expect(after?.points.map((p) => p.value) ?? []).not.toContain(42);
  });

  it("dispose() unregisters and leaves the backend open and working", async () => {
    const instrumented = instrumentBackend(createMemoryBackend(), {
      meterProvider: harness.provider,
    });
    await instrumented.backend.recordEvent(event(1));
    expect((await harness.collect()).get("papyra.records.written")?.points[0]?.value).toBe(1);
    instrumented.dispose();
    instrumented.dispose(); // idempotent
    await instrumented.backend.recordEvent(event(2));
    expect(await instrumented.backend.listEvents()).toHaveLength(2);
    const after = (await harness.collect()).get("papyra.records.written");
    expect(after?.points.map((p) => p.value) ?? []).not.toContain(2);
    await instrumented.backend.close();
  });

  it("`using` disposes at the end of the block", async () => {
    const memory = createMemoryBackend();
    {
      using instrumented = instrumentBackend(memory, { meterProvider: harness.provider });
      await instrumented.backend.recordEvent(event(1));
      expect((await harness.collect()).get("papyra.records.written")?.points[0]?.value).toBe(1);
    }
    await memory.recordEvent(event(2));
    const after = (await harness.collect()).get("papyra.records.written");
    expect(after?.points.map((p) => p.value) ?? []).not.toContain(2);
  });

  it("two stores on one provider are told apart by papyra.store", async () => {
    const a = instrumentBackend(await openJsonStore({ path: join(dir, "a.ndjson") }), {
      meterProvider: harness.provider,
    });
    const b = instrumentBackend(await openJsonStore({ path: join(dir, "b.ndjson") }), {
      meterProvider: harness.provider,
    });
    await a.backend.recordEvent(event(1));
    for (let id = 1; id <= 3; id++) await b.backend.recordEvent(event(id));
    const points = (await harness.collect()).get("papyra.records.written")?.points ?? [];
    const byStore = Object.fromEntries(points.map((p) => [p.attributes["papyra.store"], p.value]));
    expect(byStore).toEqual({ [join(dir, "a.ndjson")]: 1, [join(dir, "b.ndjson")]: 3 });
    await a.backend.close();
    await b.backend.close();
  });
});
