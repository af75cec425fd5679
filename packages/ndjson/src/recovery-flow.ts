import type { RecoveryConfig, RecoveryReport, ScanReport } from "@papyra/core";

/** The steps of one file store's recovery, supplied by the store. */
export interface RecoverySteps {
  /** Scans the store; `counted` scans move counters and may write the checkpoint. */
  scan(counted: boolean): Promise<ScanReport>;
  /** Repairs what `report.scan_before` found (honouring `force` and `dryRun`), filling the report. */
  repair(report: RecoveryReport): Promise<void>;
  /** Called when damage remains after a real recovery. */
  onStillDamaged(): void;
}

/**
 * Recovery as every file store runs it: scan, repair what the scan found (`repair` /
 * `quarantine` over damage only), scan again. A dry run scans without moving counters or
 * writing the checkpoint, fills the report through the same repair code without changing
 * anything, and reports `scan_after` as `scan_before` (nothing changed).
 */
export async function runRecovery(
  config: RecoveryConfig,
  steps: RecoverySteps,
): Promise<RecoveryReport> {
  const dryRun = config.dryRun === true;
  const scanBefore = await steps.scan(!dryRun);
  const report: RecoveryReport = {
    mode: config.mode,
    dry_run: dryRun,
    scan_before: scanBefore,
    repaired_files: [],
    quarantined_files: [],
    dropped_damaged: 0,
    dropped_by_retention: 0,
    scan_after: scanBefore,
  };
  if (config.mode === "ignore" || scanBefore.anomalies.length === 0) return report;
  await steps.repair(report);
  if (dryRun) return report;
  report.scan_after = await steps.scan(true);
  if (report.scan_after.anomalies.length > 0) steps.onStillDamaged();
  return report;
}
