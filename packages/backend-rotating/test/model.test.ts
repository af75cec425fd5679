import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveOptions } from "../src/options.js";
import { planBatch } from "../src/rotation-plan.js";
import { SegmentSet } from "../src/segments.js";

describe("options", () => {
  it("fills in defaults", () => {
    expect(resolveOptions({ path: "/x/store.log" })).toEqual({
      path: "/x/store.log",
      maxBytes: 10 * 1024 * 1024,
      maxFiles: 5,
      durability: "os",
      retention: {},
      readOnly: false,
    });
  });

  it("refuses maxFiles below 2 and maxBytes of zero with a configuration error naming each field", () => {
    let caught: unknown;
    try {
      resolveOptions({ path: "/x/store.log", maxFiles: 1, maxBytes: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "PAPYRA_CONFIGURATION" });
    const message = (caught as Error).message;
    expect(message).toContain("maxFiles: maxFiles must be at least 2");
    expect(message).toContain("maxBytes: maxBytes must be greater than 0");
  });

  it("refuses unknown keys and a bad durability", () => {
    expect(() => resolveOptions({ path: "a", maxfiles: 3 })).toThrow(/maxfiles/);
    expect(() => resolveOptions({ path: "a", durability: "disk" })).toThrow(/durability/);
  });
});

describe("planBatch", () => {
  it("keeps a batch that fits in one chunk", () => {
    expect(planBatch([10, 10], 0, 100)).toEqual([
      { start: 0, end: 2, rotateFirst: false, bytes: 20 },
    ]);
  });

  it("splits a batch across the boundary and never splits a line", () => {
    expect(planBatch([40, 40, 40, 40], 30, 100)).toEqual([
      { start: 0, end: 1, rotateFirst: false, bytes: 40 },
      { start: 1, end: 3, rotateFirst: true, bytes: 80 },
      { start: 3, end: 4, rotateFirst: true, bytes: 40 },
    ]);
  });

  it("rotates first when the active segment cannot take the first line", () => {
    expect(planBatch([50], 60, 100)).toEqual([{ start: 0, end: 1, rotateFirst: true, bytes: 50 }]);
  });

  it("fills a segment exactly to maxBytes", () => {
    expect(planBatch([50, 50, 1], 0, 100)).toEqual([
      { start: 0, end: 2, rotateFirst: false, bytes: 100 },
      { start: 2, end: 3, rotateFirst: true, bytes: 1 },
    ]);
  });
});

describe("SegmentSet", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "papyra-rot-model-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names segments path, path.1 … and lists them oldest first", () => {
    const set = new SegmentSet(join(dir, "app.log"), 3);
    expect(set.segmentPath(0)).toBe(join(dir, "app.log"));
    expect(set.segmentPath(2)).toBe(join(dir, "app.log.2"));
  });

  it("sorts directory entries into segments, orphans, leftovers, auxiliary and foreign files", async () => {
    const base = join(dir, "app.log");
    for (const name of [
      "app.log",
      "app.log.1",
      "app.log.2",
      "app.log.3",
      "app.log.10",
      "app.log.0",
      "app.log.01",
      "app.log.tmp-123",
      "app.log.lock",
      "app.log.lock.abc.tmp",
      "app.log.metrics.json",
      "app.log.metrics.json.tmp-1-2",
      "app.log.metrics.json.lock",
      "app.log.lock.77-0a1b.stale.tmp",
      "app.log.scan.json",
      "app.log.scan.json.tmp-3-4",
      "app.log.lock.bak",
      "app.log.1.tmp-99-ab",
      "other.log",
      "app.logx",
    ]) {
      await writeFile(join(dir, name), "");
    }
    await mkdir(join(dir, "app.log.quarantine"));
    const set = new SegmentSet(base, 3);
    const listing = await set.listDirectory();
    expect(listing.segments.map((s) => s.index)).toEqual([2, 1, 0]);
    expect(listing.orphans.map((s) => s.index)).toEqual([3, 10]);
    expect(listing.unexpected.sort()).toEqual(
      ["app.log.0", "app.log.01", "app.log.tmp-123", "app.log.1.tmp-99-ab", "app.log.lock.bak"]
        .map((n) => join(dir, n))
        .sort(),
    );
  });

  it("lists a missing directory as empty", async () => {
    const set = new SegmentSet(join(dir, "missing", "app.log"), 3);
    expect(await set.listDirectory()).toEqual({ segments: [], orphans: [], unexpected: [] });
  });
});
