import { describe, expect, it } from "vitest";
import {
  ErrorCode,
  PersistenceStartupError,
  PersistenceValidationError,
  type Progress,
  runStartupCheck,
  type StartupMode,
} from "../src/index.js";
import { fakeBackend, scanReport, untouchableBackend } from "./fakes.js";

async function startupError(promise: Promise<unknown>): Promise<PersistenceStartupError> {
  const error = await promise.then(
    () => {
      throw new Error("expected runStartupCheck to reject");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PersistenceStartupError);
  expect((error as PersistenceStartupError).code).toBe(ErrorCode.startup);
  return error as PersistenceStartupError;
}

describe("runStartupCheck: ignore", () => {
  it("does not touch the backend at all", async () => {
    const { backend, touched } = untouchableBackend();
    const result = await runStartupCheck(backend, { mode: "ignore" });
    expect(touched()).toBe(0);
    expect(result).toEqual({
      mode: "ignore",
      scan: null,
      recovery: null,
      scan_after: null,
      remaining_anomalies: 0,
      skipped: "startup mode is ignore",
      missing: false,
    });
  });
});

describe("runStartupCheck: scan_only", () => {
  it("reports a clean scan", async () => {
    const { backend, calls } = fakeBackend({ scans: [0] });
    const result = await runStartupCheck(backend, { mode: "scan_only" });
    expect(calls.scans).toHaveLength(1);
    expect(result.scan).toEqual(scanReport(0));
    expect(result.remaining_anomalies).toBe(0);
    expect(result.skipped).toBeNull();
  });

  it("reports anomalies and never throws or recovers", async () => {
    const { backend, calls } = fakeBackend({ scans: [3] });
    const result = await runStartupCheck(backend, {
      mode: "scan_only",
      recovery: { mode: "repair" },
    });
    expect(result.scan?.anomalies).toHaveLength(3);
    expect(result.remaining_anomalies).toBe(3);
    expect(result.recovery).toBeNull();
    expect(calls.recoveries).toHaveLength(0);
  });

  it("asks for an incremental scan unless `full` is set, and passes onProgress and a signal", async () => {
    const { backend, calls } = fakeBackend();
    const onProgress = (_: Progress) => {};
    await runStartupCheck(backend, { mode: "scan_only", onProgress });
    await runStartupCheck(backend, { mode: "scan_only", full: true });
    expect(calls.scans[0]?.incremental).toBe(true);
    expect(calls.scans[0]?.onProgress).toBe(onProgress);
    expect(calls.scans[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(calls.scans[1]?.incremental).toBe(false);
  });
});

describe("runStartupCheck: fail_on_anomaly", () => {
  it("passes a clean store", async () => {
    const { backend } = fakeBackend({ scans: [0] });
    const result = await runStartupCheck(backend, { mode: "fail_on_anomaly" });
    expect(result.remaining_anomalies).toBe(0);
  });

  it("throws PersistenceStartupError carrying the scan, without recovering", async () => {
    const { backend, calls } = fakeBackend({ scans: [2] });
    const error = await startupError(runStartupCheck(backend, { mode: "fail_on_anomaly" }));
    expect(error.reason).toBe("anomalies");
    expect(error.scan?.anomalies).toHaveLength(2);
    expect(error.result?.scan).toBe(error.scan);
    expect(error.result?.remaining_anomalies).toBe(2);
    expect(error.message).toMatch(
      /2 anomalies in \/store\/papyra\.ndjson \(first: CORRUPTED_LINE at \/store\/papyra\.ndjson:1\)/,
    );
    expect(error.message).toMatch(/recover/);
    expect(calls.recoveries).toHaveLength(0);
  });
});

describe("runStartupCheck: recover", () => {
  it("does not recover a clean store", async () => {
    const { backend, calls } = fakeBackend({ scans: [0] });
    const result = await runStartupCheck(backend, { mode: "recover" });
    expect(calls.recoveries).toHaveLength(0);
    expect(result.recovery).toBeNull();
    expect(result.scan_after).toBeNull();
  });

  it("repairs by default, then rescans in full and reports a clean result", async () => {
    const { backend, calls } = fakeBackend({ scans: [2, 0] });
    const result = await runStartupCheck(backend, { mode: "recover" });
    expect(calls.recoveries).toHaveLength(1);
    expect(calls.recoveries[0]?.mode).toBe("repair");
    expect(calls.recoveries[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(calls.scans).toHaveLength(2);
    expect(calls.scans[1]?.incremental).toBe(false);
    expect(result.scan?.anomalies).toHaveLength(2);
    expect(result.recovery?.mode).toBe("repair");
    expect(result.scan_after?.anomalies).toEqual([]);
    expect(result.remaining_anomalies).toBe(0);
  });

  it("passes a custom recovery config through", async () => {
    const { backend, calls } = fakeBackend({ scans: [1, 0] });
    const result = await runStartupCheck(backend, {
      mode: "recover",
      recovery: { mode: "quarantine", quarantineDir: "/var/quarantine" },
    });
    expect(calls.recoveries[0]).toMatchObject({
      mode: "quarantine",
      quarantineDir: "/var/quarantine",
    });
    expect(result.recovery?.quarantined_files).toEqual(["/var/quarantine/papyra.ndjson"]);
  });

  it("keeps the caller's recovery signal and progress callback", async () => {
    const { backend, calls } = fakeBackend({ scans: [1, 0] });
    const caller = new AbortController();
    const seen: Progress[] = [];
    await runStartupCheck(backend, {
      mode: "recover",
      timeoutMs: 10_000,
      recovery: { mode: "repair", signal: caller.signal, onProgress: (p) => seen.push(p) },
    });
    const config = calls.recoveries[0];
    config?.onProgress?.({ phase: "recover", done: 1, unit: "records" });
    expect(seen).toHaveLength(1);
    expect(config?.signal?.aborted).toBe(false);
    caller.abort();
    expect(config?.signal?.aborted).toBe(true);
  });

  it("throws PersistenceStartupError when anomalies remain after recovery", async () => {
    const { backend, calls } = fakeBackend({ scans: [3, 1] });
    const error = await startupError(runStartupCheck(backend, { mode: "recover" }));
    expect(error.reason).toBe("still_damaged");
    expect(error.scan?.anomalies).toHaveLength(3);
    expect(error.result?.scan_after?.anomalies).toHaveLength(1);
    expect(error.result?.recovery).not.toBeNull();
    expect(error.result?.remaining_anomalies).toBe(1);
    expect(error.message).toMatch(/recovery \(repair\) left 1 anomaly/);
    expect(calls.recoveries).toHaveLength(1);
  });

  it("throws with reason recovery_unsupported when the backend cannot recover", async () => {
    const { backend } = fakeBackend({ scans: [1], withRecover: false });
    const error = await startupError(runStartupCheck(backend, { mode: "recover" }));
    expect(error.reason).toBe("recovery_unsupported");
    expect(error.scan?.anomalies).toHaveLength(1);
  });

  it("lets a failing recovery's error through", async () => {
    const failure = new Error("disk full");
    const { backend } = fakeBackend({
      scans: [1],
      recover: async () => {
        throw failure;
      },
    });
    await expect(runStartupCheck(backend, { mode: "recover" })).rejects.toBe(failure);
  });
});

describe("runStartupCheck: option validation (before the backend is touched)", () => {
  it("rejects quarantine without a directory with PersistenceValidationError", async () => {
    const { backend, touched } = untouchableBackend();
    const error = await runStartupCheck(backend, {
      mode: "recover",
      recovery: { mode: "quarantine" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersistenceValidationError);
    expect((error as PersistenceValidationError).code).toBe(ErrorCode.validation);
    expect((error as PersistenceValidationError).issues).toEqual([
      { path: "recovery.quarantineDir", message: expect.stringMatching(/quarantineDir/) },
    ]);
    expect(touched()).toBe(0);
  });

  it("rejects an unknown mode, naming the valid ones", async () => {
    const { backend, touched } = untouchableBackend();
    const error = await runStartupCheck(backend, { mode: "yolo" as StartupMode }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PersistenceValidationError);
    expect((error as Error).message).toMatch(
      /unknown startup mode "yolo"; use one of ignore, scan_only, fail_on_anomaly, recover/,
    );
    expect(touched()).toBe(0);
  });

  it("rejects a misspelt option instead of ignoring it", async () => {
    const { backend, touched } = untouchableBackend();
    const options = { mode: "fail_on_anomaly", timeoutMS: 5 } as unknown as { mode: StartupMode };
    await expect(runStartupCheck(backend, options)).rejects.toThrow(/timeoutMS/);
    expect(touched()).toBe(0);
  });

  it("rejects an unknown recovery mode and a bad timeout", async () => {
    const { backend, touched } = untouchableBackend();
    for (const options of [
      { mode: "recover", recovery: { mode: "fix" } },
      { mode: "scan_only", timeoutMs: 0 },
      { mode: "scan_only", timeoutMs: -5 },
      { mode: "scan_only", timeoutMs: 1.5 },
      { mode: "scan_only", timeoutMs: "100" },
    ]) {
      await expect(
        runStartupCheck(backend, options as never),
        JSON.stringify(options),
      ).rejects.toBeInstanceOf(PersistenceValidationError);
    }
    expect(touched()).toBe(0);
  });
});

describe("runStartupCheck: timeoutMs", () => {
  it("throws PersistenceStartupError with reason timeout and aborts a scan that never finishes", async () => {
    let signal: AbortSignal | undefined;
    const { backend } = fakeBackend({
      scan: (options) => {
        signal = options.signal;
        return new Promise(() => {});
      },
    });
    const error = await startupError(
      runStartupCheck(backend, { mode: "fail_on_anomaly", timeoutMs: 20 }),
    );
    expect(error.reason).toBe("timeout");
    expect(error.message).toMatch(/did not finish within 20 ms/);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });

  it("times out a recovery that never finishes", async () => {
    const { backend } = fakeBackend({ scans: [1], recover: () => new Promise(() => {}) });
    const error = await startupError(runStartupCheck(backend, { mode: "recover", timeoutMs: 20 }));
    expect(error.reason).toBe("timeout");
  });

  it("returns normally when the check finishes in time", async () => {
    const { backend } = fakeBackend({ scans: [1] });
    const result = await runStartupCheck(backend, { mode: "scan_only", timeoutMs: 60_000 });
    expect(result.remaining_anomalies).toBe(1);
  });
});

describe("runStartupCheck: a backend without scan", () => {
  for (const mode of ["scan_only", "fail_on_anomaly", "recover"] as const) {
    it(`${mode} skips the check and says why`, async () => {
      const { backend } = fakeBackend({ withScan: false, withRecover: false });
      const result = await runStartupCheck(backend, { mode });
      expect(result.skipped).toBe("the backend cannot scan");
      expect(result.scan).toBeNull();
      expect(result.remaining_anomalies).toBe(0);
    });
  }
});
