import { stat } from "node:fs/promises";
import {
  type CompactionReport,
  type CompactOptions,
  hasRetentionRules,
  PersistenceDamagedError,
  RetentionPlanner,
  type RetentionPolicy,
} from "@papyra/core";
import { type FileScanResult, refuseNonStore, rewriteKeeping, scanFile } from "@papyra/ndjson";
import { progressAcross } from "./progress.js";
import type { SegmentFile, SegmentSet } from "./segments.js";

/**
 * Removes what retention excludes from a rotation set, and nothing else. Pass one reads every
 * segment, oldest first, to plan retention across the whole set (refusing, before anything
 * changes, a segment that does not look like a store unless `force`, then any damage with
 * PersistenceDamagedError); pass two rewrites segment by segment, each atomically (ndjson's
 * rewriteKeeping), so a crash leaves every segment either old or new. A dry run only counts
 * in pass two. The caller holds the writer lock or has paused its writer.
 */
export async function compactSet(
  set: SegmentSet,
  retention: RetentionPolicy,
  options: CompactOptions = {},
): Promise<CompactionReport> {
  const segments: (SegmentFile & { size: number })[] = [];
  for (const segment of (await set.listDirectory()).segments) {
    const st = await stat(segment.path).catch(() => null);
    if (st) segments.push({ ...segment, size: st.size });
  }
  const beforeBytes = segments.reduce((sum, s) => sum + s.size, 0);
  const planner = new RetentionPlanner(retention);
  let beforeRecords = 0;
  let damage = 0;
  const scans: FileScanResult[] = [];
  for (const segment of segments) {
    const scan = await scanFile(segment.path, {
      maxAnomalies: 0,
      signal: options.signal,
      onRecord: (info) => planner.observe(info),
    });
    scans.push(scan);
    beforeRecords += scan.records;
    damage += scan.anomalyCount;
  }
  if (!options.force) for (const scan of scans) refuseNonStore(scan.path, scan.shape, "compact");
  if (damage > 0) throw new PersistenceDamagedError(set.path, damage);
  const report: CompactionReport = {
    before_records: beforeRecords,
    after_records: beforeRecords,
    removed_records: 0,
    before_bytes: beforeBytes,
    after_bytes: beforeBytes,
    reclaimed_bytes: 0,
  };
  if (!hasRetentionRules(retention)) return report;
  const progress = progressAcross(beforeBytes, options.onProgress, "compact");
  let afterBytes = 0;
  for (const segment of segments) {
    const result = await rewriteKeeping(segment.path, {
      keep: (info) => planner.keep(info),
      dryRun: options.dryRun,
      signal: options.signal,
      onProgress: progress.forFile(),
    });
    progress.fileDone(segment.size);
    report.removed_records += result.droppedByRetention;
    afterBytes += result.bytesAfter;
  }
  report.after_records = beforeRecords - report.removed_records;
  report.after_bytes = afterBytes;
  report.reclaimed_bytes = beforeBytes - afterBytes;
  return report;
}
