import { stat } from "node:fs/promises";
import type { Anomaly, DecodedLine, Progress, RetentionItem } from "@papyra/core";
import { decodeLineBytes, isKeptRecord } from "./decode.js";
import { forEachLine } from "./line-chunks.js";
import { progressEvery } from "./progress.js";
import { type LinePosition, type RawLine, readLinesBackward } from "./read-lines.js";
import { countDamagedLine, emptyShape, type FileShape } from "./store-shape.js";

/** A valid stored record (known or unknown kind) as the file operations see it. */
export interface StoredRecordInfo extends RetentionItem {
  kind: string;
  timestamp: number;
  /** Size of the stored line, newline included. */
  bytes: number;
  line: number;
  offset: number;
}

/** Options of {@link scanFile}. */
export interface FileScanOptions {
  /** Start here (the start of a line), e.g. an incremental checkpoint. Default 0. */
  startOffset?: number;
  /** Line number at `startOffset`. Default 1. */
  startLine?: number;
  /** Stop here. Default: the size when the scan starts (later appends are not scanned). */
  endOffset?: number;
  maxLineBytes?: number;
  /** Keep at most this many anomalies in the result (all are counted). Default 10 000. */
  maxAnomalies?: number;
  /** Called for every valid record (known or unknown kind), oldest first. */
  onRecord?: (record: StoredRecordInfo) => void;
  /** Called for every blank line (in file order with `onRecord`). */
  onBlank?: () => void;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** What {@link scanFile} found in one file. */
export interface FileScanResult {
  path: string;
  anomalies: Anomaly[];
  /** All anomalies found, including any beyond `maxAnomalies`. */
  anomalyCount: number;
  /** Valid records, unknown kinds included. */
  records: number;
  /** Bytes read by this scan. */
  bytesScanned: number;
  /** Offset where the scan stopped (the file size it saw). */
  endOffset: number;
  /** Line number the next line after `endOffset` would have. */
  nextLine: number;
  /**
   * What the scanned lines look like, for {@link refuseNonStore}: records, damaged lines by
   * kind, and whether the last line is a torn record.
   */
  shape: FileShape;
}

/** The anomaly of one line, or null when it is fine (a record, an unknown kind, a blank line). */
export function lineAnomaly(path: string, raw: LinePosition, decoded: DecodedLine): Anomaly | null {
  const where = { path, ...(raw.line > 0 ? { line: raw.line } : {}), offset: raw.offset };
  if (!raw.terminated) {
    const complete = isKeptRecord(decoded);
    return {
      type: "TRUNCATED_LINE",
      ...where,
      detail: complete
        ? "last line has no newline but holds a complete record; repair keeps it and adds the newline"
        : `last line is incomplete (${raw.length} bytes, no newline); repair drops it`,
    };
  }
  if (raw.oversized) {
    return {
      type: "CORRUPTED_LINE",
      ...where,
      detail: `line of ${raw.length} bytes exceeds the line size limit`,
    };
  }
  if (decoded.type === "corrupt")
    return { type: "CORRUPTED_LINE", ...where, detail: decoded.detail };
  if (decoded.type === "invalid")
    return { type: "INVALID_RECORD", ...where, detail: decoded.detail };
  return null;
}

function recordInfo(raw: RawLine, decoded: DecodedLine): StoredRecordInfo | null {
  if (!isKeptRecord(decoded)) return null;
  return {
    kind: decoded.kind,
    timestamp: decoded.timestamp,
    bytes: raw.length + 1,
    line: raw.line,
    offset: raw.offset,
  };
}

/**
 * Scans one NDJSON file without changing it, with memory bounded by the line size limit.
 * Never throws on bad data; rejects only when the file cannot be read (ENOENT included).
 */
export async function scanFile(
  path: string,
  options: FileScanOptions = {},
): Promise<FileScanResult> {
  const start = options.startOffset ?? 0;
  const end = options.endOffset ?? (await stat(path)).size;
  const maxAnomalies = options.maxAnomalies ?? 10_000;
  const report = progressEvery("scan", end, options.onProgress);
  const result: FileScanResult = {
    path,
    anomalies: [],
    anomalyCount: 0,
    records: 0,
    bytesScanned: 0,
    endOffset: end,
    nextLine: options.startLine ?? 1,
    shape: emptyShape(),
  };
  await forEachLine(
    path,
    {
      startOffset: start,
      startLine: options.startLine ?? 1,
      endOffset: end,
      maxLineBytes: options.maxLineBytes,
      signal: options.signal,
    },
    (view) => {
      const decoded = view.decode();
      if (!view.terminated || (decoded.type !== "record" && decoded.type !== "blank")) {
        const anomaly = lineAnomaly(path, view, decoded);
        noteAnomaly(result, anomaly, maxAnomalies);
        if (anomaly && !isKeptRecord(decoded)) countDamagedLine(result.shape, view, decoded);
      }
      if (isKeptRecord(decoded)) {
        result.records += 1;
        result.shape.records += 1;
        options.onRecord?.({
          kind: decoded.kind,
          timestamp: decoded.timestamp,
          bytes: view.length + 1,
          line: view.line,
          offset: view.offset,
        });
      } else if (decoded.type === "blank") options.onBlank?.();
      result.nextLine = view.line + (view.terminated ? 1 : 0);
      report(view.offset + view.length);
    },
  );
  result.bytesScanned = end - start;
  report(end, true);
  return result;
}

/** Counts an anomaly, keeping at most `max` of them in the report. */
function noteAnomaly(result: FileScanResult, anomaly: Anomaly | null, max: number): void {
  if (!anomaly) return;
  result.anomalyCount += 1;
  if (result.anomalies.length < max) result.anomalies.push(anomaly);
}

/**
 * Scans only the newest `sampleSize` lines of a file, reading backwards from its end (a quick
 * look, for `scan({ sampleSize })`). Anomalies carry offsets but no line numbers; `nextLine`
 * is 0 because the line count is not known.
 */
export async function scanFileTail(
  path: string,
  sampleSize: number,
  options: Pick<FileScanOptions, "endOffset" | "maxLineBytes" | "maxAnomalies" | "signal"> = {},
): Promise<FileScanResult> {
  const end = options.endOffset ?? (await stat(path)).size;
  const maxAnomalies = options.maxAnomalies ?? 10_000;
  const result: FileScanResult = {
    path,
    anomalies: [],
    anomalyCount: 0,
    records: 0,
    bytesScanned: 0,
    endOffset: end,
    nextLine: 0,
    shape: emptyShape(),
  };
  let seen = 0;
  let earliest = end;
  if (sampleSize > 0) {
    for await (const raw of readLinesBackward(path, {
      endOffset: end,
      maxLineBytes: options.maxLineBytes,
      signal: options.signal,
    })) {
      const decoded = decodeLineBytes(raw.bytes);
      noteAnomaly(result, lineAnomaly(path, raw, decoded), maxAnomalies);
      if (recordInfo(raw, decoded)) result.records += 1;
      earliest = raw.offset;
      if (++seen >= sampleSize) break;
    }
  }
  result.anomalies.reverse();
  result.bytesScanned = end - earliest;
  return result;
}
