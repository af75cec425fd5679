import type {
  Anomaly,
  PersistenceBackend,
  RecoveryConfig,
  RecoveryReport,
  ScanOptions,
  ScanReport,
} from "../src/index.js";

/** A scan report with `n` anomalies. */
export function scanReport(n: number, extra: Partial<ScanReport> = {}): ScanReport {
  const anomalies: Anomaly[] = Array.from({ length: n }, (_, i) => ({
    type: "CORRUPTED_LINE",
    path: "/store/papyra.ndjson",
    detail: "not valid JSON",
    line: i + 1,
  }));
  return {
    location: "/store/papyra.ndjson",
    anomalies,
    records_scanned: 10,
    bytes_scanned: 1000,
    incremental: false,
    sampled: false,
    ...extra,
  };
}

/** What a fake backend was asked to do. */
export interface FakeCalls {
  scans: ScanOptions[];
  recoveries: RecoveryConfig[];
}

interface FakeOptions {
  /** Anomaly counts of successive scans (the last one repeats). */
  scans?: number[];
  /** Replaces scan(). */
  scan?: (options: ScanOptions) => Promise<ScanReport>;
  /** Replaces recover(). */
  recover?: (config: RecoveryConfig) => Promise<RecoveryReport>;
  withScan?: boolean;
  withRecover?: boolean;
}

/**
 * A hand-written backend with scripted scan results, recording every scan and recovery call.
 * Damaged stores for real are the file backends' tests; here only the startup logic is tested.
 */
export function fakeBackend(options: FakeOptions = {}): {
  backend: PersistenceBackend;
  calls: FakeCalls;
} {
  const calls: FakeCalls = { scans: [], recoveries: [] };
  const counts = options.scans ?? [0];
  const nextScan = (): ScanReport => {
    const n = counts[Math.min(calls.scans.length - 1, counts.length - 1)] ?? 0;
    return scanReport(n);
  };
  const backend: PersistenceBackend = {
    recordEvent: async () => {},
    recordAudit: async () => {},
    recordDeadLetter: async () => {},
    listEvents: async () => [],
    listAudits: async () => [],
    listDeadLetters: async () => [],
    close: async () => {},
    [Symbol.asyncDispose]: async () => {},
  };
  if (options.withScan !== false) {
    backend.scan = async (scanOptions = {}) => {
      calls.scans.push(scanOptions);
      return options.scan ? options.scan(scanOptions) : nextScan();
    };
  }
  if (options.withRecover !== false) {
    backend.recover = async (config = { mode: "repair" }) => {
      calls.recoveries.push(config);
      if (options.recover) return options.recover(config);
      const before = scanReport(1);
      return {
        mode: config.mode,
        scan_before: before,
        repaired_files: ["/store/papyra.ndjson"],
        quarantined_files:
          config.mode === "quarantine" ? [`${config.quarantineDir}/papyra.ndjson`] : [],
        dropped_damaged: 1,
        dropped_by_retention: 0,
        scan_after: scanReport(0),
      };
    };
  }
  return { backend, calls };
}

/** A backend whose every property access throws: proves a call never touched it. */
export function untouchableBackend(): { backend: PersistenceBackend; touched: () => number } {
  let touches = 0;
  const backend = new Proxy({} as PersistenceBackend, {
    get(_target, key) {
      touches += 1;
      throw new Error(`backend touched: ${String(key)}`);
    },
    has() {
      touches += 1;
      throw new Error("backend touched: has");
    },
  });
  return { backend, touched: () => touches };
}
