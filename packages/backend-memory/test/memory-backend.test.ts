import {
  BACKEND_CONTRACT_VERSION,
  isBackendDefinition,
  nowSeconds,
  PersistenceConfigurationError,
  parseBackendOptions,
} from "@papyra/core";
import { makeAudit, makeEvent } from "@papyra/testkit";
import { describe, expect, it, vi } from "vitest";
import { backend, createMemoryBackend, MemoryBackend } from "../src/index.js";

async function storedCount(b: MemoryBackend): Promise<number> {
  return (await b.scan()).records_scanned;
}

describe("createMemoryBackend", () => {
  it("returns a MemoryBackend exposing its validated retention policy", () => {
    const b = createMemoryBackend({ retention: { maxRecords: 5 } });
    expect(b).toBeInstanceOf(MemoryBackend);
    expect(b.retention).toEqual({ maxRecords: 5 });
    expect(createMemoryBackend().retention).toEqual({});
  });

  it("rejects a bad retention policy with a configuration error naming the field", () => {
    // Bad options are a configuration error (CLI exit 78) in every backend.
    expect(() => createMemoryBackend({ retention: { maxRecords: -1 } })).toThrow(
      expect.objectContaining({ code: "PAPYRA_CONFIGURATION" }),
    );
    expect(() => createMemoryBackend({ retention: { maxRecods: 5 } as never })).toThrow(
      /maxRecods/,
    );
  });
});

describe("retention enforced on write", () => {
  it("keeps at most maxRecords per kind in memory, however many are written", async () => {
    const b = createMemoryBackend({ retention: { maxRecords: 10 } });
    for (let n = 0; n < 5000; n++) await b.recordEvent(makeEvent(n));
    for (let n = 0; n < 3; n++) await b.recordAudit(makeAudit(n));
    expect(await storedCount(b)).toBe(13);
    expect((await b.scan()).bytes_scanned).toBeLessThan(10 * 200 + 3 * 400);
    expect((await b.listEvents()).map((e) => e.seq)).toEqual([
      4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999,
    ]);
  });

  it("keeps stored bytes within maxTotalBytes per kind", async () => {
    const b = createMemoryBackend({ retention: { maxTotalBytes: 2000 } });
    for (let n = 0; n < 1000; n++) await b.recordEvent(makeEvent(n));
    const bytes = (await b.scan()).bytes_scanned ?? Number.POSITIVE_INFINITY;
    expect(bytes).toBeLessThanOrEqual(2000);
    expect(bytes).toBeGreaterThan(1500);
  });

  it("does not keep records that arrive already outside the age window", async () => {
    const b = createMemoryBackend({ retention: { maxAgeSeconds: 60 } });
    const now = nowSeconds();
    for (let n = 0; n < 100; n++) await b.recordEvent(makeEvent(n, { timestamp: now - 3600 }));
    await b.recordEvent(makeEvent(100, { timestamp: now }));
    expect(await storedCount(b)).toBe(1);
    expect(b.metrics.snapshot().records_written).toBe(101);
  });

  it("sweeps aged-out records stuck behind a fresh one, so out-of-order timestamps stay bounded", async () => {
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(start);
      const b = createMemoryBackend({ retention: { maxAgeSeconds: 1000 } });
      const now = start / 1000;
      // A fresh record first, then 200 inside the window now that expire 500 s later.
      await b.recordEvent(makeEvent(0, { timestamp: now }));
      for (let n = 1; n <= 200; n++) await b.recordEvent(makeEvent(n, { timestamp: now - 900 }));
      expect(await storedCount(b)).toBe(201);
      vi.setSystemTime(start + 500_000);
      // The stale 200 sit behind record 0, which is still fresh: only a sweep reaches them.
      for (let n = 201; n <= 600; n++) await b.recordEvent(makeEvent(n, { timestamp: now + 500 }));
      expect(await storedCount(b)).toBeLessThan(401 + 64);
      expect((await b.listEvents()).map((e) => e.seq)).toEqual([
        0,
        ...Array.from({ length: 400 }, (_, i) => i + 201),
      ]);
      const report = await b.compact();
      expect(report.after_records).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("copies", () => {
  it("stores a copy: mutating the written object or a listed one changes nothing", async () => {
    const b = createMemoryBackend();
    const event = makeEvent(1, { payload: { list: [1] } });
    await b.recordEvent(event);
    (event.payload.list as number[]).push(2);
    const [listed] = await b.listEvents();
    if (!listed) throw new Error("nothing listed");
    expect(listed.payload).toEqual({ list: [1] });
    (listed.payload.list as number[]).push(3);
    expect((await b.listEvents())[0]?.payload).toEqual({ list: [1] });
  });
});

describe("close", () => {
  it("rejects writes, lists, scans, compaction and recovery after close, moving no counter", async () => {
    const b = createMemoryBackend();
    await b.recordEvent(makeEvent(1));
    expect((await b.listEvents()).length).toBe(1);
    await b.close();
    const before = b.metrics.snapshot();
    await expect(b.recordEvent(makeEvent(2))).rejects.toMatchObject({ code: "PAPYRA_CLOSED" });
    await expect(b.compact()).rejects.toMatchObject({ code: "PAPYRA_CLOSED" });
    await expect(b.recover({ mode: "repair" })).rejects.toMatchObject({ code: "PAPYRA_CLOSED" });
    // Like every other backend since the common base: a closed backend answers nothing.
    await expect(b.listEvents()).rejects.toMatchObject({ code: "PAPYRA_CLOSED" });
    await expect(b.scan()).rejects.toMatchObject({ code: "PAPYRA_CLOSED" });
    const m = b.metrics.snapshot();
    expect(m).toEqual(before);
    expect([m.write_errors, m.compaction_errors, m.recovery_failures]).toEqual([0, 0, 0]);
    expect([m.compactions_triggered, m.recovery_attempts]).toEqual([0, 0]);
  });
});

describe("scan", () => {
  it("reports a sampled scan when sampleSize is below the record count", async () => {
    const b = createMemoryBackend();
    for (let n = 0; n < 5; n++) await b.recordEvent(makeEvent(n));
    expect(await b.scan({ sampleSize: 2 })).toMatchObject({
      sampled: true,
      records_scanned: 2,
      anomalies: [],
    });
    expect(await b.scan({ sampleSize: 10 })).toMatchObject({ sampled: false, records_scanned: 5 });
  });
});

describe("backend definition", () => {
  it("is a valid definition of the current contract named memory", () => {
    expect(isBackendDefinition(backend)).toBe(true);
    expect(backend.contractVersion).toBe(BACKEND_CONTRACT_VERSION);
    expect(backend.name).toBe("memory");
  });

  it("validates options field by field and creates a working backend", async () => {
    const options = parseBackendOptions(backend, { retention: { maxRecords: 2 } });
    const b = await backend.create(options, { cwd: process.cwd(), readOnly: false });
    for (let n = 0; n < 4; n++) await b.recordEvent(makeEvent(n));
    expect((await b.listEvents()).length).toBe(2);
    await b.close();
    expect(() => parseBackendOptions(backend, { retention: { maxRecords: "x" } })).toThrow(
      PersistenceConfigurationError,
    );
    expect(() => parseBackendOptions(backend, { retention: { maxRecords: "x" } })).toThrow(
      /retention\.maxRecords/,
    );
  });
});

describe("startup check on a memory store", () => {
  it("passes in every mode and never reports anomalies", async () => {
    const { runStartupCheck, STARTUP_MODES } = await import("@papyra/core");
    const b = createMemoryBackend();
    await b.recordEvent(makeEvent(1));
    for (const mode of STARTUP_MODES) {
      const result = await runStartupCheck(b, { mode, timeoutMs: 60_000 });
      expect(result.remaining_anomalies, mode).toBe(0);
      expect(result.scan === null, mode).toBe(mode === "ignore");
    }
    expect((await b.listEvents()).length).toBe(1);
  });
});
