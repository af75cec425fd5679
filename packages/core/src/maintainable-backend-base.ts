import { BackendBase } from "./backend-base.js";
import {
  type CompactionReport,
  type CompactOptions,
  type RecoveryConfig,
  type RecoveryReport,
  type ScanOptions,
  type ScanReport,
  validateCompactOptions,
  validateRecoveryConfig,
} from "./reports.js";
import type { StoredRecordByKind } from "./stored-records.js";

/** A compaction report as a backend returns it; `dry_run` defaults to what was asked. */
export type CompactionFigures = Omit<CompactionReport, "dry_run"> & { dry_run?: boolean };

/**
 * A recovery report that repaired nothing: `scan_before` as given, `scan_after` the later
 * scan (default: the same one), no files touched, nothing dropped.
 */
export function recoveryReportOf(
  config: RecoveryConfig,
  scanBefore: ScanReport,
  scanAfter: ScanReport = scanBefore,
): RecoveryReport {
  return {
    mode: config.mode,
    dry_run: config.dryRun === true,
    scan_before: scanBefore,
    repaired_files: [],
    quarantined_files: [],
    dropped_damaged: 0,
    dropped_by_retention: 0,
    scan_after: scanAfter,
  };
}

/** The maintenance operations a {@link MaintainableBackendBase} runs. */
export type MaintenanceOperation = "scan" | "recover" | "compact";

/**
 * A {@link BackendBase} with `scan`, `recover` and `compact` over {@link scanStore},
 * {@link recoverStore} and {@link compactStore}. The base rejects them after `close()`,
 * validates their options, counts `scan_operations`, `anomaly_detected`,
 * `recovery_attempts` / `recovery_failures` and `compactions_triggered` / `compaction_errors`
 * (a dry run moves no recovery or compaction counter) and maps errors through `storeError`.
 */
export abstract class MaintainableBackendBase<
  Listed extends StoredRecordByKind = StoredRecordByKind,
> extends BackendBase<Listed> {
  /** Checks the store without changing it; counters and errors are handled. */
  protected abstract scanStore(options: ScanOptions): Promise<ScanReport>;

  /** Recovers from damage as `config` says (validated); counters and errors are handled. */
  protected abstract recoverStore(config: RecoveryConfig): Promise<RecoveryReport>;

  /** Removes what retention excludes (options validated); counters and errors are handled. */
  protected abstract compactStore(options: CompactOptions): Promise<CompactionFigures>;

  /**
   * Validates a recovery config before anything is touched or counted (default
   * `validateRecoveryConfig`); throws PersistenceValidationError.
   */
  protected validateRecovery(config: RecoveryConfig): void {
    validateRecoveryConfig(config);
  }

  /** Runs before an operation counts anything (e.g. checks the store is there). Default: nothing. */
  protected async beforeMaintenance(
    _operation: MaintenanceOperation,
    _options: ScanOptions | RecoveryConfig | CompactOptions,
  ): Promise<void> {}

  /**
   * Wraps a recovery or compaction, counters included (e.g. holds durable metrics, or takes a
   * lock). Default: runs it.
   */
  protected runMaintenance<T>(_dryRun: boolean, run: () => Promise<T>): Promise<T> {
    return run();
  }

  /** Checks the store for damage without changing it. */
  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    this.assertOpen("scan");
    await this.beforeMaintenance("scan", options);
    this.metrics.increment("scan_operations");
    let report: ScanReport;
    try {
      report = await this.scanStore(options);
    } catch (error) {
      this.metrics.increment("read_errors");
      throw this.storeError(error, { operation: "scan", signal: options.signal });
    }
    this.metrics.increment("anomaly_detected", report.anomalies.length);
    return report;
  }

  /** Repairs or quarantines damage (`ignore` scans only); `dryRun` changes nothing. */
  async recover(config: RecoveryConfig = { mode: "repair" }): Promise<RecoveryReport> {
    this.assertOpen("recover");
    this.validateRecovery(config);
    await this.beforeMaintenance("recover", config);
    const dryRun = config.dryRun === true;
    return this.runMaintenance(dryRun, async () => {
      if (!dryRun) this.metrics.increment("recovery_attempts");
      try {
        return await this.recoverStore(config);
      } catch (error) {
        if (!dryRun) this.metrics.increment("recovery_failures");
        throw this.storeError(error, { operation: "recover", signal: config.signal });
      }
    });
  }

  /** Physically removes what retention excludes, and nothing else; `dryRun` changes nothing. */
  async compact(options: CompactOptions = {}): Promise<CompactionReport> {
    this.assertOpen("compact");
    validateCompactOptions(options);
    await this.beforeMaintenance("compact", options);
    const dryRun = options.dryRun === true;
    return this.runMaintenance(dryRun, async () => {
      if (!dryRun) this.metrics.increment("compactions_triggered");
      try {
        const figures = await this.compactStore(options);
        return { dry_run: dryRun, ...figures };
      } catch (error) {
        if (!dryRun) this.metrics.increment("compaction_errors");
        throw this.storeError(error, { operation: "compact", signal: options.signal });
      }
    });
  }
}
