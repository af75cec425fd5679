import { stat } from "node:fs/promises";
import type { Anomaly, ScanOptions, ScanReport } from "@papyra/core";
import { scanFile, scanFileTail } from "@papyra/ndjson";
import { isMissing } from "./errors.js";
import { progressAcross } from "./progress.js";
import { type DirectoryListing, isSegmentTempFile, type SegmentSet } from "./segments.js";
import { type CleanSegment, SetCheckpoint, writeSetCheckpoint } from "./set-checkpoint.js";

/** A scan report lists at most this many line anomalies (a scan never holds more). */
const MAX_REPORTED_ANOMALIES = 10_000;

/** What a scan needs to know about the store. */
export interface SetScanContext {
  set: SegmentSet;
  /** The incremental-scan checkpoint sidecar. */
  checkpointPath: string;
  /** Its first-release name, read when the current one holds no checkpoint. */
  legacyCheckpointPath?: string;
  /** Store where a clean scan ended (false in dry runs). Default true. */
  writeCheckpoint?: boolean;
  /** Where this process's writer's last complete batch ends in the active segment, if it writes. */
  activeEnd: () => number | undefined;
}

/**
 * Scans a rotation set without changing it: every segment line by line (from its checkpoint
 * when `incremental` and the segment is unchanged before it), then the directory for orphaned
 * segments and leftovers. Writes the set's checkpoint after a scan that found no line damage.
 * With `sampleSize`, only the newest lines are looked at.
 */
export async function scanSet(ctx: SetScanContext, options: ScanOptions): Promise<ScanReport> {
  options.signal?.throwIfAborted();
  const listing = await ctx.set.listDirectory();
  if (options.sampleSize !== undefined) return sampleSet(ctx, listing, options);
  const checkpoint = options.incremental
    ? await SetCheckpoint.read(ctx.checkpointPath, ctx.legacyCheckpointPath)
    : null;
  const anomalies: Anomaly[] = [];
  const clean: CleanSegment[] = [];
  let lineAnomalies = 0;
  let records = 0;
  let bytes = 0;
  let incremental = false;
  const sizes = await Promise.all(listing.segments.map((s) => stat(s.path).catch(() => null)));
  const progress = progressAcross(
    sizes.reduce((sum, st) => sum + (st?.size ?? 0), 0),
    options.onProgress,
    "scan",
  );
  for (const [i, segment] of listing.segments.entries()) {
    const st = sizes[i];
    if (!st) continue; // moved by a rotation since the listing
    const resume = checkpoint ? await checkpoint.resumeFor(segment.path, st.dev, st.ino) : null;
    if (resume) incremental = true;
    // The writer knows where its last complete batch ends; bytes past it are in flight.
    const endOffset = segment.index === 0 ? ctx.activeEnd() : undefined;
    let result: Awaited<ReturnType<typeof scanFile>>;
    try {
      result = await scanFile(segment.path, {
        startOffset: resume?.offset,
        startLine: resume?.nextLine,
        endOffset,
        // Keep the report's memory bounded over many damaged segments (all are counted).
        maxAnomalies: Math.max(0, MAX_REPORTED_ANOMALIES - anomalies.length),
        signal: options.signal,
        onProgress: progress.forFile(),
      });
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
    progress.fileDone(st.size);
    anomalies.push(...result.anomalies);
    lineAnomalies += result.anomalyCount;
    records += (resume?.records ?? 0) + result.records;
    bytes += result.bytesScanned;
    clean.push({
      path: segment.path,
      endOffset: result.endOffset,
      nextLine: result.nextLine,
      records: (resume?.records ?? 0) + result.records,
    });
  }
  anomalies.push(...fileAnomalies(ctx.set, listing));
  if (lineAnomalies === 0 && ctx.writeCheckpoint !== false) {
    await writeSetCheckpoint(ctx.checkpointPath, clean);
  }
  return {
    location: ctx.set.path,
    anomalies,
    records_scanned: records,
    bytes_scanned: bytes,
    incremental,
    sampled: false,
  };
}

/** ORPHANED_ROTATED_FILE and UNEXPECTED_FILE anomalies of a directory listing. */
export function fileAnomalies(set: SegmentSet, listing: DirectoryListing): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const orphan of listing.orphans) {
    anomalies.push({
      type: "ORPHANED_ROTATED_FILE",
      path: orphan.path,
      detail: `rotated segment ${orphan.index} is beyond maxFiles (${set.maxFiles}), so reads ignore it. If the store was written with a larger maxFiles, open it with maxFiles ${orphan.index + 1} or more; otherwise recover in quarantine mode to move it aside (repair keeps it)`,
    });
  }
  for (const path of listing.unexpected) {
    anomalies.push({
      type: "UNEXPECTED_FILE",
      path,
      detail: isSegmentTempFile(set, path)
        ? "temp file left by an interrupted compaction or recovery; repair deletes it"
        : "file in the store's name space (PATH.*) that is not a segment or sidecar; quarantine moves it aside, repair leaves it",
    });
  }
  return anomalies;
}

/** A quick look: the newest `sampleSize` lines, read backwards across the newest segments. */
async function sampleSet(
  ctx: SetScanContext,
  listing: DirectoryListing,
  options: ScanOptions,
): Promise<ScanReport> {
  const report: ScanReport = {
    location: ctx.set.path,
    anomalies: [],
    records_scanned: 0,
    bytes_scanned: 0,
    incremental: false,
    sampled: true,
  };
  let remaining = Math.max(0, Math.floor(options.sampleSize ?? 0));
  const newestFirst: Anomaly[][] = [];
  for (const segment of [...listing.segments].reverse()) {
    if (remaining <= 0) break;
    const endOffset = segment.index === 0 ? ctx.activeEnd() : undefined;
    let result: Awaited<ReturnType<typeof scanFileTail>>;
    try {
      result = await scanFileTail(segment.path, remaining, { endOffset, signal: options.signal });
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
    newestFirst.push(result.anomalies);
    report.records_scanned += result.records;
    report.bytes_scanned = (report.bytes_scanned ?? 0) + result.bytesScanned;
    // Blank lines are not counted by either figure, so a sample may reach a little further.
    remaining -= result.records + result.anomalyCount;
  }
  // Oldest first, like a full scan, then the directory's anomalies.
  report.anomalies = [...newestFirst.reverse().flat(), ...fileAnomalies(ctx.set, listing)];
  return report;
}
