import {
  type BackendCapabilities,
  type CompactionReport,
  countAnomalies,
  type RecoveryReport,
  type ScanReport,
} from "@papyra/core";
import type { StoreInfo } from "../store/select-store.js";
import type { Output } from "./output.js";
import { formatBytes } from "./units.js";

/** Human output lists at most this many anomalies and says how many more there are. */
export const MAX_ANOMALIES_SHOWN = 20;

/** Width of the labels of report-style output, so every section lines up. */
export const LABEL_WIDTH = 12;

/** `1 anomaly`, `3 anomalies`. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line saying which store a command used. */
export function storeLine(info: StoreInfo): string {
  const version = info.package_version ? `@${info.package_version}` : "";
  return `${info.backend} (${info.package}${version}, from ${info.resolved_from})`;
}

/** The anomaly list of a scan as aligned columns. */
export function printAnomalies(out: Output, report: ScanReport, indent = "  "): void {
  if (report.anomalies.length === 0) return;
  const shown = report.anomalies.slice(0, MAX_ANOMALIES_SHOWN);
  out.table(
    [
      ["TYPE", "WHERE", "DETAIL"],
      ...shown.map((a) => [
        a.type,
        `${a.path}${a.line !== undefined ? `:${a.line}` : ""}`,
        a.detail,
      ]),
    ],
    indent,
  );
  const hidden = report.anomalies.length - shown.length;
  if (hidden > 0) out.line(`${indent}... and ${hidden} more (use --json for the full list)`);
}

/** A size the backend may not know (Redis): `n/a` then. */
function sizeOf(bytes: number | null): string {
  return bytes === null ? "n/a" : formatBytes(bytes);
}

/** What a scan checked, in words: `6 records in 1.2 KiB checked`. */
function scanExtent(report: ScanReport): string {
  const records = plural(report.records_scanned, "record", "records");
  if (report.sampled) return `a sample of the newest entries: ${records} checked`;
  if (report.incremental) {
    if (!report.bytes_scanned) return `${records}, nothing new since the last full scan`;
    return `${records}, the ${formatBytes(report.bytes_scanned)} written since the last full scan checked`;
  }
  const size = report.bytes_scanned !== null ? ` in ${formatBytes(report.bytes_scanned)}` : "";
  return `${records}${size} checked`;
}

/**
 * A one-line summary of a scan: `clean: 105 records, the 21.0 KiB written since the last full
 * scan checked`, or `2 anomalies (CORRUPTED_LINE 2): 6 records in 1.2 KiB checked`.
 */
export function scanSummary(out: Output, report: ScanReport): string {
  const n = report.anomalies.length;
  const counts = Object.entries(countAnomalies(report))
    .map(([type, count]) => `${type} ${count}`)
    .join(", ");
  const verdict =
    n === 0
      ? out.paint("green", "clean")
      : out.paint("red", `${plural(n, "anomaly", "anomalies")} (${counts})`);
  return `${verdict}: ${scanExtent(report)}`;
}

/** Prints a scan: a summary line and its anomalies. */
export function printScan(out: Output, label: string, report: ScanReport): void {
  out.pairs([[label, scanSummary(out, report)]], LABEL_WIDTH);
  printAnomalies(out, report);
}

/** The note a dry run's report ends with. */
const DRY_RUN_NOTE = "Dry run: nothing was changed. Run again without --dry-run to do it.";

/** Prints what a recovery did, or in a dry run would do. */
export function printRecovery(out: Output, report: RecoveryReport, dryRun = false): void {
  const files = (list: string[]) => (list.length ? list.join(", ") : "nothing");
  out.pairs(
    [
      ["Recovery", dryRun ? `${report.mode} (dry run)` : report.mode],
      [dryRun ? "Would repair" : "Repaired", files(report.repaired_files)],
      [dryRun ? "Would copy to" : "Quarantined", files(report.quarantined_files)],
      [
        dryRun ? "Would drop" : "Dropped",
        `${report.dropped_damaged} damaged, ${report.dropped_by_retention} by retention`,
      ],
    ],
    LABEL_WIDTH,
  );
  if (dryRun) out.line(DRY_RUN_NOTE);
}

/** Prints a compaction report, or in a dry run what compaction would do. */
export function printCompaction(out: Output, report: CompactionReport, dryRun = false): void {
  out.pairs(
    [
      [
        "Records",
        `${report.before_records} -> ${report.after_records} (${report.removed_records} ${dryRun ? "would be removed" : "removed"})`,
      ],
      [
        "Bytes",
        `${sizeOf(report.before_bytes)} -> ${sizeOf(report.after_bytes)} (${sizeOf(report.reclaimed_bytes)} ${dryRun ? "would be reclaimed" : "reclaimed"})`,
      ],
    ],
    LABEL_WIDTH,
  );
  if (dryRun) out.line(DRY_RUN_NOTE);
}

/** `scan, recover, compact` style list of what a backend can do. */
export function capabilityList(capabilities: BackendCapabilities): string {
  const names = Object.entries(capabilities)
    .filter(([, has]) => has)
    .map(([name]) => (name === "storedMetrics" ? "stored-metrics" : name));
  return names.length ? names.join(", ") : "none (records and listing only)";
}
