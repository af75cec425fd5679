import type { Attributes } from "@opentelemetry/api";
import {
  ANOMALY_TYPES,
  type CompactionReport,
  type RecoveryReport,
  type ScanReport,
  type StartupCheckResult,
} from "@papyra/core";

// Reports come from any backend, third-party ones included: every field is read defensively,
// so a malformed report costs attributes, never the storage call that produced it.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function put(out: Attributes, key: string, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
  else if (typeof value === "boolean" || typeof value === "string") out[key] = value;
}

/**
 * A scan's figures: `papyra.scan.records`, `.bytes`, `.incremental`, `.sampled`,
 * `.anomalies` (total) and `papyra.scan.anomalies.<type>` for each of the six anomaly types
 * (`truncated_line`, `corrupted_line`, ...), zero included, so that queries need no defaults.
 */
export function scanAttributes(report: ScanReport | null | undefined): Attributes {
  const out: Attributes = {};
  if (!isObject(report)) return out;
  put(out, "papyra.scan.records", report.records_scanned);
  put(out, "papyra.scan.bytes", report.bytes_scanned);
  put(out, "papyra.scan.incremental", report.incremental);
  put(out, "papyra.scan.sampled", report.sampled);
  const anomalies: unknown[] = Array.isArray(report.anomalies) ? report.anomalies : [];
  out["papyra.scan.anomalies"] = anomalies.length;
  for (const type of ANOMALY_TYPES) {
    out[`papyra.scan.anomalies.${type.toLowerCase()}`] = anomalies.filter(
      (anomaly) => isObject(anomaly) && anomaly.type === type,
    ).length;
  }
  return out;
}

/**
 * A recovery's figures: the scan before (as {@link scanAttributes}), `papyra.recovery.mode`,
 * `.dry_run`, `.dropped_damaged`, `.dropped_by_retention`, `.repaired_files`,
 * `.quarantined_files` (counts) and `.remaining_anomalies` (the scan after).
 */
export function recoveryAttributes(report: RecoveryReport | null | undefined): Attributes {
  if (!isObject(report)) return {};
  const out: Attributes = scanAttributes(report.scan_before);
  put(out, "papyra.recovery.mode", report.mode);
  out["papyra.recovery.dry_run"] = report.dry_run === true;
  put(out, "papyra.recovery.dropped_damaged", report.dropped_damaged);
  put(out, "papyra.recovery.dropped_by_retention", report.dropped_by_retention);
  if (Array.isArray(report.repaired_files)) {
    out["papyra.recovery.repaired_files"] = report.repaired_files.length;
  }
  if (Array.isArray(report.quarantined_files)) {
    out["papyra.recovery.quarantined_files"] = report.quarantined_files.length;
  }
  if (isObject(report.scan_after) && Array.isArray(report.scan_after.anomalies)) {
    out["papyra.recovery.remaining_anomalies"] = report.scan_after.anomalies.length;
  }
  return out;
}

/**
 * A compaction's figures: `papyra.compaction.dry_run`, `.records_before`, `.records_after`,
 * `.records_removed`, and `.bytes_before`, `.bytes_after`, `.bytes_reclaimed` where known.
 */
export function compactionAttributes(report: CompactionReport | null | undefined): Attributes {
  const out: Attributes = {};
  if (!isObject(report)) return out;
  out["papyra.compaction.dry_run"] = report.dry_run === true;
  put(out, "papyra.compaction.records_before", report.before_records);
  put(out, "papyra.compaction.records_after", report.after_records);
  put(out, "papyra.compaction.records_removed", report.removed_records);
  put(out, "papyra.compaction.bytes_before", report.before_bytes);
  put(out, "papyra.compaction.bytes_after", report.after_bytes);
  put(out, "papyra.compaction.bytes_reclaimed", report.reclaimed_bytes);
  return out;
}

/**
 * A startup check's outcome: the first scan and the recovery (as above), and
 * `papyra.startup.remaining_anomalies`, `.missing` (no store yet) and `.skipped` (why no scan ran).
 */
export function startupAttributes(result: StartupCheckResult | null | undefined): Attributes {
  if (!isObject(result)) return {};
  const out: Attributes = {
    ...recoveryAttributes(result.recovery),
    ...scanAttributes(result.scan),
  };
  put(out, "papyra.startup.remaining_anomalies", result.remaining_anomalies);
  out["papyra.startup.missing"] = result.missing === true;
  put(out, "papyra.startup.skipped", result.skipped);
  return out;
}
