import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PersistenceMetrics } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DurableMetrics, readMetricsFile, resetMetricsFile } from "./support/internals.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "papyra-metrics-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("DurableMetrics", () => {
  it("adds deltas to the sidecar; a reset elsewhere zeroes the in-process counters", async () => {
    const path = join(dir, "s.metrics.json");
    const metrics = new PersistenceMetrics();
    const durable = new DurableMetrics(path, metrics);
    await durable.start();
    metrics.increment("records_written", 5);
    await durable.flush();
    metrics.increment("records_written", 2);
    await durable.flush();
    expect((await readMetricsFile(path)).counters.records_written).toBe(7);

    await resetMetricsFile(path);
    expect(await readMetricsFile(path)).toMatchObject({
      generation: 1,
      counters: { records_written: 0 },
    });
    await durable.flush();
    expect(metrics.snapshot().records_written).toBe(0);
    metrics.increment("records_written", 1);
    await durable.close();
    expect((await readMetricsFile(path)).counters.records_written).toBe(1);
    expect(await readdir(dir)).toEqual(["s.metrics.json"]);
  });

  it("a metrics lock left by a killed process is broken once stale", async () => {
    const path = join(dir, "s.metrics.json");
    await writeFile(`${path}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    await resetMetricsFile(path);
    expect((await readMetricsFile(path)).generation).toBe(1);
  });
});
