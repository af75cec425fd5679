import { type FileHandle, open } from "node:fs/promises";
import {
  decodeLine,
  hasRetentionRules,
  type IterateQuery,
  normalizeIterateQuery,
  nowSeconds,
  RECORD_KINDS,
  type RecordKind,
  RetentionPlanner,
  type RetentionPolicy,
  type StoredRecordByKind,
  type StreamedRecord,
} from "@papyra/core";
import { DEFAULT_MAX_LINE_BYTES } from "./decode.js";
import { readLines } from "./read-lines.js";

/** Options of {@link iterateFiles}. */
export interface IterateFilesOptions {
  retention?: RetentionPolicy;
  /** Epoch seconds used by the age rule. Default: now. */
  now?: number;
  maxLineBytes?: number;
}

/** A file opened for a streamed read, with the size it had when opened (later appends are not read). */
export interface PinnedFile {
  handle: FileHandle;
  size: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A line's bytes (null when oversized) as a streamed record, or null for damage, blank lines
 * and unknown kinds.
 */
export function streamedRecordOf(bytes: Buffer | null): StreamedRecord | null {
  if (bytes === null) return null;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  const decoded = decodeLine(text);
  if (decoded.type !== "record") return null;
  return {
    kind: decoded.kind,
    record: decoded.record as StoredRecordByKind[RecordKind],
    timestamp: decoded.timestamp,
    line: text,
  };
}

/**
 * Opens files given OLDEST FIRST, skipping missing ones. Holding the handles pins each file's
 * content: a rotation that renames them while they are read changes nothing for the reader.
 */
export async function pinFiles(paths: readonly string[]): Promise<PinnedFile[]> {
  const pinned: PinnedFile[] = [];
  try {
    for (const path of paths) {
      const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return null;
        throw error;
      });
      if (handle) pinned.push({ handle, size: (await handle.stat()).size });
    }
  } catch (error) {
    await closePinned(pinned);
    throw error;
  }
  return pinned;
}

/** Closes what {@link pinFiles} opened. Never throws. */
export async function closePinned(files: readonly PinnedFile[]): Promise<void> {
  await Promise.all(files.map((f) => f.handle.close().catch(() => {})));
}

/**
 * Streams the records of pinned NDJSON files (oldest first) in stored order, in memory
 * bounded by the line size limit whatever the files' size. Only known kinds in `query.kinds`
 * within the time window and within retention are yielded; damaged and unterminated lines are
 * skipped (as `list*` skips them). With count or byte retention rules the files are read twice
 * (plan, then yield), since which old records are out depends on what follows them.
 */
export async function* iterateFiles(
  files: readonly PinnedFile[],
  query: IterateQuery = {},
  options: IterateFilesOptions = {},
): AsyncGenerator<StreamedRecord> {
  const kinds = new Set<string>(query.kinds ?? RECORD_KINDS);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const retention = options.retention;
  const now = options.now ?? nowSeconds();
  const ageCutoff =
    retention?.maxAgeSeconds === undefined ? undefined : now - retention.maxAgeSeconds;
  const needsPlan =
    retention !== undefined &&
    hasRetentionRules(retention) &&
    (retention.maxRecords !== undefined || retention.maxTotalBytes !== undefined);
  let planner: RetentionPlanner | null = null;
  if (needsPlan) {
    planner = new RetentionPlanner(retention, now);
    for (const file of files) {
      for await (const raw of readLines(file.handle, {
        endOffset: file.size,
        maxLineBytes,
        signal: query.signal,
      })) {
        const item = streamedRecordOf(raw.bytes);
        if (item)
          planner.observe({ kind: item.kind, timestamp: item.timestamp, bytes: raw.length + 1 });
      }
    }
  }
  for (const file of files) {
    for await (const raw of readLines(file.handle, {
      endOffset: file.size,
      maxLineBytes,
      signal: query.signal,
    })) {
      const item = streamedRecordOf(raw.bytes);
      if (!item) continue;
      // The planner must see every record it observed, whatever the query selects.
      if (
        planner &&
        !planner.keep({ kind: item.kind, timestamp: item.timestamp, bytes: raw.length + 1 })
      )
        continue;
      if (ageCutoff !== undefined && !(item.timestamp >= ageCutoff)) continue;
      if (!kinds.has(item.kind)) continue;
      if (query.since !== undefined && !(item.timestamp >= query.since)) continue;
      if (query.until !== undefined && !(item.timestamp <= query.until)) continue;
      yield item;
    }
  }
}

/**
 * {@link iterateFiles} over paths given OLDEST FIRST: pins them all before reading the first,
 * so a rotation during the read neither skips nor repeats a segment, and closes them after.
 */
export async function* iterateStoreFiles(
  pathsOldestFirst: readonly string[],
  query: IterateQuery = {},
  options: IterateFilesOptions = {},
): AsyncGenerator<StreamedRecord> {
  const checked = normalizeIterateQuery(query);
  const pinned = await pinFiles(pathsOldestFirst);
  try {
    yield* iterateFiles(pinned, checked, options);
  } finally {
    await closePinned(pinned);
  }
}
