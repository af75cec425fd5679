import { describe, expect, it } from "vitest";
import { formatProgress, PhaseClock } from "../src/output/progress-line.js";
import { formatBytes, formatDuration } from "../src/output/units.js";

const MiB = 1024 * 1024;

describe("progress lines", () => {
  it("say phase, percentage, human sizes, rate and time left", () => {
    const line = formatProgress(
      { phase: "compact", done: 71 * MiB, total: 296 * MiB, unit: "bytes" },
      2000,
    );
    expect(line).toBe("compact: 23% · 71.0 MiB of 296.0 MiB · 35.5 MiB/s · about 6s left");
  });

  it("leave out rate and time left until a quarter of a second has passed, and without a total", () => {
    expect(
      formatProgress({ phase: "scan", done: 4 * MiB, total: 8 * MiB, unit: "bytes" }, 10),
    ).toBe("scan: 50% · 4.0 MiB of 8.0 MiB");
    expect(formatProgress({ phase: "compact", done: 12_000, unit: "records" }, 3000)).toBe(
      "compact: 12,000 records · 4,000/s",
    );
  });

  it("measure each phase from when it began", () => {
    const clock = new PhaseClock(0);
    expect(clock.elapsed({ phase: "scan", done: 1, unit: "bytes" }, 1000)).toBe(1000);
    expect(clock.elapsed({ phase: "recover", done: 1, unit: "bytes" }, 5000)).toBe(0);
    expect(clock.elapsed({ phase: "recover", done: 2, unit: "bytes" }, 5500)).toBe(500);
  });

  it("format sizes and durations as people read them", () => {
    expect([0, 512, 21 * 1024, 1.5 * 1024 * MiB].map(formatBytes)).toEqual([
      "0 B",
      "512 B",
      "21.0 KiB",
      "1.5 GiB",
    ]);
    expect([7, 185, 3720].map(formatDuration)).toEqual(["7s", "3m 05s", "1h 02m"]);
  });
});
