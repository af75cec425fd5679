import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SpanStatusCode } from "@opentelemetry/api";
import { JsonFileBackend, openJsonStore } from "@papyra/backend-json";
import { createMemoryBackend } from "@papyra/backend-memory";
import { openRotatingStore } from "@papyra/backend-rotating";
import { backendCapabilities, type PersistenceBackend, type ScanReport } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { identifyStore, instrumentBackend, runTracedStartupCheck } from "../src/index.js";
import { event, eventLine, makeTempDir, removeDir, tracingHarness } from "./helpers.js";

describe("instrumentBackend: the same backend, with telemetry", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it("keeps the backend's type, members, capabilities and behaviour", async () => {
    const path = join(dir, "store.ndjson");
    const bare = await openJsonStore({ path, durability: "fsync" });
    const { backend } = instrumentBackend(bare);
    expect(backend).toBeInstanceOf(JsonFileBackend);
    expect(backend.path).toBe(path);
    expect(backend.durability).toBe("fsync");
    expect(backendCapabilities(backend)).toEqual(backendCapabilities(bare));
    await backend.recordEvent(event(1));
    await backend.recordAudit({
      system_id: "orders",
      timestamp: 1_700_000_100,
      total_actors: 3,
      alive_actors: 3,
      stopping_actors: 0,
      restarting_actors: 0,
      registry_size: 3,
      registry_orphans: [],
      registry_dead: [],
      dead_letters_count: 0,
    });
    expect(await backend.listEvents()).toEqual([event(1)]);
    expect(await backend.listAudits()).toHaveLength(1);
    expect((await backend.readStoredMetrics()).counters).toBeDefined();
    await backend.close();
    await backend.close(); // idempotent through the wrapper too
    await expect(backend.recordEvent(event(2))).rejects.toMatchObject({ code: "PAPYRA_CLOSED" });
    expect((await readFile(path, "utf8")).split("\n")[0]).toBe(eventLine(1));
  });

  it("private fields, getters and later field changes of a class backend work through the wrapper", async () => {
    class Counting {
      #written = 0;
      label = "before";
      get written(): number {
        return this.#written;
      }
      async recordEvent(): Promise<void> {
        this.#written++;
      }
      recordAudit = async () => {};
      recordDeadLetter = async () => {};
      listEvents = async () => [];
      listAudits = async () => [];
      listDeadLetters = async () => [];
      close = async () => {};
      [Symbol.asyncDispose] = async () => {};
    }
    const bare = new Counting();
    const { backend } = instrumentBackend(bare);
    expect(backend).toBeInstanceOf(Counting);
    await backend.recordEvent();
    await backend.recordEvent();
    expect(backend.written).toBe(2);
    expect(bare.written).toBe(2);
    bare.label = "after"; // fields are read from the backend, never copied
    expect(backend.label).toBe("after");
  });

  it("adds no member the backend lacks: a bare contract stays bare", async () => {
    const records: unknown[] = [];
    const minimal: PersistenceBackend = {
      recordEvent: async (e) => void records.push(e),
      recordAudit: async () => {},
      recordDeadLetter: async () => {},
      listEvents: async () => [],
      listAudits: async () => [],
      listDeadLetters: async () => [],
      close: async () => {},
      [Symbol.asyncDispose]: async () => {},
    };
    const { backend, attributes } = instrumentBackend(minimal);
    expect(backendCapabilities(backend)).toEqual(backendCapabilities(minimal));
    expect(backend.scan).toBeUndefined();
    await backend.recordEvent(event(1));
    expect(records).toHaveLength(1);
    expect(attributes).toEqual({ "papyra.backend": "custom", "papyra.store": "custom" });
  });

  it("`await using` on the instrumented backend closes it and stops the telemetry", async () => {
    const harness = tracingHarness();
    const path = join(dir, "store.ndjson");
    const instrumented = instrumentBackend(await openJsonStore({ path }), {
      tracerProvider: harness.provider,
    });
    {
      await using store = instrumented.backend;
      await store.scan();
    }
    await expect(instrumented.backend.recordEvent(event(1))).rejects.toMatchObject({
      code: "PAPYRA_CLOSED",
    });
    await instrumented.backend.scan().catch(() => {});
    expect(harness.spans().map((s) => s.name)).toEqual(["papyra.scan"]);
    await harness.shutdown();
  });

  it("names each first-party backend and its store", async () => {
    const json = await openJsonStore({ path: join(dir, "a.ndjson") });
    const rotating = await openRotatingStore({ path: join(dir, "b.log") });
    const memory = createMemoryBackend();
    expect(identifyStore(json)).toEqual({ backend: "json", store: join(dir, "a.ndjson") });
    expect(identifyStore(rotating)).toEqual({ backend: "rotating", store: join(dir, "b.log") });
    expect(identifyStore(memory)).toEqual({ backend: "memory", store: "memory" });
    expect(identifyStore(memory, { backendName: "cache", store: "orders" })).toEqual({
      backend: "cache",
      store: "orders",
    });
    await json.close();
    await rotating.close();
  });

  it("never shows a password: store locations, given stores and error messages are masked", async () => {
    const harness = tracingHarness();
    const secret = "hunter2-very-secret";
    const backend = {
      location: `redis://app:${secret}@10.0.0.5:6379/0`,
      recordEvent: async () => {},
      recordAudit: async () => {},
      recordDeadLetter: async () => {},
      listEvents: async () => [],
      listAudits: async () => [],
      listDeadLetters: async () => [],
      close: async () => {},
      [Symbol.asyncDispose]: async () => {},
      scan: async (): Promise<ScanReport> => {
        const error = new Error(
          `Could not scan redis://app:${secret}@10.0.0.5:6379/0: connection refused`,
        );
        Object.assign(error, { code: "PAPYRA_UNAVAILABLE" });
        throw error;
      },
    };
    const { backend: store, attributes } = instrumentBackend(backend, {
      tracerProvider: harness.provider,
    });
    expect(attributes["papyra.store"]).toBe("redis://app:***@10.0.0.5:6379/0");
    const error = await runTracedStartupCheck(store, { mode: "scan_only" }).catch((e) => e);
    expect((error as Error).message).toContain(secret); // the caller's error is untouched
    expect(harness.spans().map((s) => s.name)).toEqual(["papyra.scan", "papyra.startup_check"]);
    for (const span of harness.spans()) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes["error.type"]).toBe("PAPYRA_UNAVAILABLE");
      expect(JSON.stringify([span.attributes, span.status, span.events])).not.toContain(secret);
      expect(span.status.message).toBe(
        "Could not scan redis://app:***@10.0.0.5:6379/0: connection refused",
      );
    }
    const given = instrumentBackend(createMemoryBackend(), {
      store: `rediss://:${secret}@cache.internal:6380`,
    });
    expect(given.attributes["papyra.store"]).toBe("rediss://:***@cache.internal:6380");
    await harness.shutdown();
  });

  it("bad options are a configuration error naming each field, before anything is registered", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ meterProvider: {} }, /meterProvider: must be an OpenTelemetry provider/],
      [{ tracerProvider: 5 }, /tracerProvider/],
      [{ attributes: { a: { nested: true } } }, /attributes\.a/],
      [{ backendName: "" }, /backendName: must not be empty/],
      [{ meterprovider: {} }, /meterprovider/],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        instrumentBackend(createMemoryBackend(), options as never);
      } catch (caught) {
        error = caught;
      }
      expect(error, String(message)).toMatchObject({ code: "PAPYRA_CONFIGURATION" });
      expect((error as Error).message).toMatch(message);
    }
  });
});
