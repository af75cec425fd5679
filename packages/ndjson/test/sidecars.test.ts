import { describe, expect, it } from "vitest";
import { isSidecarFile, isSidecarName, sidecarPaths } from "../src/index.js";

describe("sidecar names", () => {
  it("isSidecarFile covers the sidecars and the short-lived files they are written through", () => {
    const names = Object.values(sidecarPaths("s.log"));
    expect(names.every((name) => isSidecarName("s.log", name))).toBe(true);
    for (const name of [
      ...names,
      "s.log.lock.123-9f8e7d6c.tmp", // a lock being taken
      "s.log.lock.123-0a1b2c3d.stale.tmp", // a stale lock moved aside
      "s.log.metrics.json.lock", // a metrics flush in progress
      "s.log.metrics.json.tmp-123-0a1b2c3d", // atomic rewrite of the metrics
      "s.log.scan.json.tmp-123-0a1b2c3d", // atomic rewrite of the checkpoint
    ]) {
      expect(isSidecarFile("s.log", name), name).toBe(true);
    }
    for (const name of [
      "s.log",
      "s.log.1",
      "s.log.tmp-123-0a1b2c3d", // a rewrite of the data file: a leftover, not a sidecar
      "s.log.lock.bak",
      "s.log.metrics.json.old",
      "t.log.lock",
    ]) {
      expect(isSidecarFile("s.log", name), name).toBe(false);
    }
  });
});
