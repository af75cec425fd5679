import { describe, expect, it } from "vitest";
import {
  ErrorCode,
  PersistenceNotAStoreError,
  PersistenceNotFoundError,
  runStartupCheck,
  validateCompactOptions,
  validateRecoveryConfig,
} from "../src/index.js";
import { fakeBackend } from "./fakes.js";

async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: { code?: unknown; message: string }) => error,
  );
}

describe("runStartupCheck on a location without a store", () => {
  const missing = () =>
    fakeBackend({
      scan: async () => {
        throw new PersistenceNotFoundError("/srv/typo.ndjson");
      },
    });

  it("rejects with PAPYRA_NOT_FOUND naming the location unless allowMissing", async () => {
    for (const mode of ["scan_only", "fail_on_anomaly", "recover"] as const) {
      const error = await rejection(runStartupCheck(missing().backend, { mode }));
      expect(error.code).toBe(ErrorCode.notFound);
      expect(error.message).toContain("/srv/typo.ndjson");
    }
  });

  it("with allowMissing, is a clean result that says there is no store yet", async () => {
    const { backend, calls } = missing();
    const result = await runStartupCheck(backend, {
      mode: "fail_on_anomaly",
      allowMissing: true,
      timeoutMs: 60_000,
    });
    expect(result).toEqual({
      mode: "fail_on_anomaly",
      scan: null,
      recovery: null,
      scan_after: null,
      remaining_anomalies: 0,
      skipped: "no store yet at /srv/typo.ndjson",
      missing: true,
    });
    expect(calls.recoveries).toHaveLength(0);
  });

  it("allowMissing never hides other errors", async () => {
    const { backend } = fakeBackend({
      scan: async () => {
        throw new Error("EIO");
      },
    });
    await expect(
      runStartupCheck(backend, { mode: "scan_only", allowMissing: true }),
    ).rejects.toThrow("EIO");
  });

  it("a present store reports missing: false", async () => {
    const { backend } = fakeBackend({ scans: [0] });
    const result = await runStartupCheck(backend, { mode: "scan_only", allowMissing: true });
    expect(result.missing).toBe(false);
  });
});

describe("runStartupCheck in recover mode over data that is not a store", () => {
  it("propagates PAPYRA_NOT_A_STORE from recovery instead of destroying", async () => {
    const { backend, calls } = fakeBackend({
      scans: [5],
      recover: async () => {
        throw new PersistenceNotAStoreError("/etc/passwd", "not a store");
      },
    });
    const error = await rejection(runStartupCheck(backend, { mode: "recover" }));
    expect(error.code).toBe(ErrorCode.notAStore);
    expect(calls.recoveries).toHaveLength(1);
  });

  it("passes force through the recovery config", async () => {
    const { backend, calls } = fakeBackend({ scans: [2, 0] });
    await runStartupCheck(backend, { mode: "recover", recovery: { mode: "repair", force: true } });
    expect(calls.recoveries[0]?.force).toBe(true);
  });

  it("refuses a dry-run recovery before touching the backend", async () => {
    const { backend, calls } = fakeBackend({ scans: [2] });
    const error = await rejection(
      runStartupCheck(backend, { mode: "recover", recovery: { mode: "repair", dryRun: true } }),
    );
    expect(error.code).toBe(ErrorCode.validation);
    expect(error.message).toContain("dryRun");
    expect(calls.scans).toHaveLength(0);
  });
});

describe("force and dryRun are validated", () => {
  it("recovery config: booleans only", () => {
    expect(() =>
      validateRecoveryConfig({ mode: "repair", force: true, dryRun: true }),
    ).not.toThrow();
    const bad = { mode: "repair", force: "yes", dryRun: 1 } as unknown as Parameters<
      typeof validateRecoveryConfig
    >[0];
    expect(() => validateRecoveryConfig(bad)).toThrow(/force must be true or false/);
    expect(() => validateRecoveryConfig(bad)).toThrow(/dryRun must be true or false/);
  });

  it("compaction options: booleans only", () => {
    expect(validateCompactOptions({ dryRun: true, force: false })).toEqual({
      dryRun: true,
      force: false,
    });
    expect(validateCompactOptions()).toEqual({});
    const bad = { dryRun: "true" } as unknown as Parameters<typeof validateCompactOptions>[0];
    let caught: { code?: unknown; message?: string } = {};
    try {
      validateCompactOptions(bad);
    } catch (error) {
      caught = error as typeof caught;
    }
    expect(caught.code).toBe(ErrorCode.validation);
    expect(caught.message).toMatch(/dryRun must be true or false/);
  });
});
