import { describe, expect, it } from "vitest";
import { addMetrics, emptyMetrics, METRIC_NAMES, PersistenceMetrics } from "../src/index.js";

describe("METRIC_NAMES", () => {
  it("are the eleven stable counter names", () => {
    expect(METRIC_NAMES).toEqual([
      "records_written",
      "bytes_written",
      "write_errors",
      "records_read",
      "read_errors",
      "scan_operations",
      "anomaly_detected",
      "recovery_attempts",
      "recovery_failures",
      "compactions_triggered",
      "compaction_errors",
    ]);
    expect(Object.values(emptyMetrics())).toEqual(Array(11).fill(0));
  });
});

describe("PersistenceMetrics", () => {
  it("increments counters by one or by an amount, ignoring non-positive amounts", () => {
    const m = new PersistenceMetrics();
    m.increment("records_written");
    m.increment("bytes_written", 120);
    m.increment("bytes_written", 0);
    m.increment("bytes_written", -5);
    m.increment("bytes_written", Number.NaN);
    expect(m.snapshot()).toEqual({ ...emptyMetrics(), records_written: 1, bytes_written: 120 });
  });

  it("snapshot() is a synchronous plain copy", () => {
    const m = new PersistenceMetrics();
    const snap = m.snapshot();
    snap.records_written = 10;
    expect(m.snapshot().records_written).toBe(0);
    expect(Object.getPrototypeOf(snap)).toBe(Object.prototype);
  });

  it("reset() zeroes all eleven counters and the pending delta", () => {
    const m = new PersistenceMetrics();
    for (const name of METRIC_NAMES) m.increment(name, 3);
    expect(m.dirty).toBe(true);
    m.reset();
    expect(m.snapshot()).toEqual(emptyMetrics());
    expect(m.dirty).toBe(false);
    expect(m.takeDelta()).toEqual(emptyMetrics());
  });

  it("takeDelta() returns what was gained since the last call", () => {
    const m = new PersistenceMetrics();
    m.increment("records_written", 2);
    expect(m.takeDelta()).toMatchObject({ records_written: 2 });
    expect(m.dirty).toBe(false);
    m.increment("records_written");
    expect(m.takeDelta()).toMatchObject({ records_written: 1 });
    expect(m.snapshot().records_written).toBe(3);
  });
});

describe("addMetrics", () => {
  it("adds counter by counter, treating missing ones as zero", () => {
    expect(addMetrics({ records_written: 2 }, { records_written: 3, write_errors: 1 })).toEqual({
      ...emptyMetrics(),
      records_written: 5,
      write_errors: 1,
    });
  });
});
