import { describe, expect, it } from "vitest";
import {
  isLegacySidecarFile,
  isSidecarFile,
  isSidecarName,
  isTempFileOf,
  legacySidecarPaths,
  sidecarPaths,
  tempPathFor,
} from "./support/internals.js";

describe("sidecar names", () => {
  it("sidecars, their short-lived files and rewrite temp files never start with the store's name", () => {
    const current = sidecarPaths("/data/s.log");
    expect(current).toEqual({
      lock: "/data/.s.log.lock",
      metrics: "/data/.s.log.metrics.json",
      checkpoint: "/data/.s.log.scan.json",
    });
    expect(tempPathFor("/data/s.log")).toMatch(/^\/data\/\.s\.log\.tmp-\d+-[0-9a-f]{8}$/);
    expect(tempPathFor("/data/s.log.2")).toMatch(/^\/data\/\.s\.log\.2\.tmp-/);
    for (const name of [
      ".s.log.lock",
      ".s.log.metrics.json",
      ".s.log.scan.json",
      ".s.log.lock.123-9f8e7d6c.tmp",
      ".s.log.lock.123-0a1b2c3d.stale.tmp",
      ".s.log.metrics.json.lock",
      ".s.log.metrics.json.tmp-123-0a1b2c3d",
      ".s.log.scan.json.tmp-123-0a1b2c3d",
    ]) {
      expect(name.startsWith("s.log"), name).toBe(false);
      expect(isSidecarFile("s.log", name), name).toBe(true);
      expect(isLegacySidecarFile("s.log", name), name).toBe(false);
    }
    expect(isTempFileOf("/data/s.log", "/data/.s.log.tmp-1-abcdef01")).toBe(true);
  });

  it("the first release's names are still recognised (and told apart), never as data", () => {
    expect(legacySidecarPaths("s.log")).toEqual({
      lock: "s.log.lock",
      metrics: "s.log.metrics.json",
      checkpoint: "s.log.scan.json",
    });
    const names = [
      ...Object.values(sidecarPaths("s.log")),
      ...Object.values(legacySidecarPaths("s.log")),
    ];
    expect(names.every((name) => isSidecarName("s.log", name))).toBe(true);
    for (const name of [
      "s.log.lock",
      "s.log.metrics.json",
      "s.log.scan.json",
      "s.log.lock.123-9f8e7d6c.tmp", // a lock being taken
      "s.log.lock.123-0a1b2c3d.stale.tmp", // a stale lock moved aside
      "s.log.metrics.json.lock", // a metrics flush in progress
      "s.log.metrics.json.tmp-123-0a1b2c3d", // atomic rewrite of the metrics
      "s.log.scan.json.tmp-123-0a1b2c3d", // atomic rewrite of the checkpoint
    ]) {
      expect(isSidecarFile("s.log", name), name).toBe(true);
      expect(isLegacySidecarFile("s.log", name), name).toBe(true);
    }
    for (const name of [
      "s.log",
      "s.log.1",
      "s.log.tmp-123-0a1b2c3d", // a rewrite of the data file: a leftover, not a sidecar
      ".s.log.tmp-123-0a1b2c3d",
      "s.log.lock.bak",
      "s.log.metrics.json.old",
      "t.log.lock",
      ".t.log.lock",
    ]) {
      expect(isSidecarFile("s.log", name), name).toBe(false);
    }
    expect(isTempFileOf("/data/s.log", "/data/s.log.tmp-1-abcdef01")).toBe(true);
  });
});
