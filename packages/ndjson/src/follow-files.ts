import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type FollowOptions,
  hasRetentionRules,
  nowSeconds,
  type RecordKind,
  type RetentionPolicy,
  type StoredRecordByKind,
  type StreamedRecord,
  TailRetention,
  validateFollowOptions,
} from "@papyra/core";
import { DEFAULT_MAX_LINE_BYTES } from "./decode.js";
import {
  type Cursor,
  cursorOf,
  drain,
  lastLineBefore,
  lineStartBefore,
  openCursor,
  type PinnedSegment,
  pinRotationSet,
  resetCursor,
  resumeAfter,
} from "./follow-parts.js";
import { closePinned, iterateFiles, pinFiles, streamedRecordOf } from "./iterate-files.js";
import { readLines, readLinesBackward } from "./read-lines.js";

/** Options of {@link followFiles}: the store's files and how to read them. */
export interface FollowFilesOptions<K extends RecordKind> extends FollowOptions<K> {
  /** The store's (active) file. */
  path: string;
  /** Files in a rotation set (`path`, `path.1` … `path.(maxFiles-1)`); 1 for a single file. */
  maxFiles?: number;
  retention?: RetentionPolicy;
  maxLineBytes?: number;
  /** How often the file is checked for appends and replacement. Default 100 ms. */
  pollMs?: number;
}

/**
 * Follows an NDJSON store (`tail -f`): yields the backlog (the newest `limit` records of `kind`,
 * or all of them, oldest first), then each record of `kind` as it is appended, until
 * `signal` aborts; then it returns and closes every file it opened. Appends are read from where
 * the last read stopped, never from the start. It follows rotation (the file it read is renamed
 * to `path.N`: the rest of it is read through the open handle, then the newer segments, then
 * the new active file) and a rewrite by compaction or recovery (the file is replaced: reading
 * resumes after the last line read, found by reading the new file backwards from its end).
 */
export async function* followFiles<K extends RecordKind>(
  kind: K,
  options: FollowFilesOptions<K>,
): AsyncGenerator<StoredRecordByKind[K]> {
  validateFollowOptions(kind, options);
  const { signal, path } = options;
  const maxFiles = options.maxFiles ?? 1;
  const pollMs = options.pollMs ?? 100;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const accepts = (item: StreamedRecord | null): item is StreamedRecord<K> =>
    item !== null &&
    item.kind === kind &&
    (options.since === undefined || item.timestamp >= options.since) &&
    (options.accept === undefined || options.accept(item.record as StoredRecordByKind[K]));

  const opened = await openCursor(path, signal, pollMs);
  if (!opened) return;
  let cursor: Cursor = opened;
  let lastLine: Buffer | null = null;
  /** After a rewrite whose resume point was not found: skip records not newer than this. */
  let notAfter: number | undefined;
  /** Remembers a line as the last one read; returns its record when the follow yields it. */
  let emit: (bytes: Buffer) => StoredRecordByKind[K] | null = () => null;
  try {
    // Follow from the start of a line: an unterminated last line is read once it ends.
    cursor.position = await lineStartBefore(cursor.handle, (await cursor.handle.stat()).size);
    lastLine = await lastLineBefore(cursor.handle, cursor.position, maxLineBytes);
    yield* backlog(kind, cursor, options, maxFiles, maxLineBytes, accepts);

    emit = (bytes: Buffer): StoredRecordByKind[K] | null => {
      lastLine = bytes;
      const item = streamedRecordOf(bytes);
      if (!accepts(item)) return null;
      if (notAfter !== undefined) {
        if (item.timestamp <= notAfter) return null;
        notAfter = undefined;
      }
      return item.record;
    };

    while (!signal.aborted) {
      for (const bytes of await drain(cursor, maxLineBytes)) {
        const record = emit(bytes);
        if (record) yield record;
      }
      const now = await stat(path).catch(() => null);
      if (now === null || (now.ino === cursor.ino && now.size >= cursor.position)) {
        await sleep(pollMs, undefined, { signal }).catch(() => {});
        continue;
      }
      if (now.ino === cursor.ino) {
        // Shrunk in place: resume after the last line read, wherever it is now.
        const resume = await resumeAfter(cursor.handle, lastLine, maxLineBytes);
        resetCursor(cursor, resume.offset);
        if (!resume.found) notAfter = lastTimestamp(lastLine);
        continue;
      }
      // Replaced. The old file's last appends are still readable through its handle.
      for (const bytes of await drain(cursor, maxLineBytes)) {
        const record = emit(bytes);
        if (record) yield record;
      }
      const set = await pinRotationSet(path);
      if (!set) continue; // gone for now: drained; wait for the new file
      const old = cursor;
      cursor = await cursorOf(set.active);
      await old.handle.close().catch(() => {});
      try {
        yield* catchUp(old.ino, set.rotated);
      } finally {
        await Promise.all(set.rotated.map((s) => s.handle.close().catch(() => {})));
      }
    }
  } finally {
    await cursor.handle.close().catch(() => {});
  }

  /**
   * After the active file was replaced: when ours was rotated (it is now one of the pinned
   * segments), the newer segments hold only records not read yet, then the new active file
   * from its start. Otherwise it was rewritten (compaction, recovery) or rotated out of sight:
   * resume after the last line read, found in the new active file or else in the newest
   * segment holding it; not found at all, skip records not newer than it.
   */
  async function* catchUp(
    oldIno: number,
    rotated: PinnedSegment[],
  ): AsyncGenerator<StoredRecordByKind[K]> {
    let from = rotated.findIndex((segment) => segment.ino === oldIno);
    let skipFirst = from !== -1; // ours: fully read through its handle already
    let offset = 0;
    if (from === -1) {
      const resume = await resumeAfter(cursor.handle, lastLine, maxLineBytes);
      if (resume.found) {
        cursor.position = resume.offset;
        return;
      }
      for (const [i, segment] of rotated.entries()) {
        const inSegment = await resumeAfter(segment.handle, lastLine, maxLineBytes);
        if (inSegment.found) {
          from = i;
          offset = inSegment.offset;
          break;
        }
      }
      if (from === -1) {
        notAfter = lastTimestamp(lastLine);
        return;
      }
      skipFirst = false;
    }
    for (let i = skipFirst ? from - 1 : from; i >= 0; i--) {
      const segment = rotated[i] as PinnedSegment;
      const size = (await segment.handle.stat()).size;
      for await (const raw of readLines(segment.handle, {
        startOffset: i === from ? offset : 0,
        endOffset: size,
        maxLineBytes,
        signal,
      })) {
        if (raw.bytes === null || !raw.terminated) continue;
        const record = emit(Buffer.from(raw.bytes));
        if (record) yield record;
      }
    }
  }
}

/** The stored backlog: the newest `limit` accepted records (or every one), oldest first. */
async function* backlog<K extends RecordKind>(
  kind: K,
  cursor: Cursor,
  options: FollowFilesOptions<K>,
  maxFiles: number,
  maxLineBytes: number,
  accepts: (item: StreamedRecord | null) => item is StreamedRecord<K>,
): AsyncGenerator<StoredRecordByKind[K]> {
  const limit = options.limit;
  if (limit === 0) return;
  const rotated: string[] = [];
  for (let index = maxFiles - 1; index >= 1; index--) rotated.push(`${options.path}.${index}`);
  const pinned = await pinFiles(rotated);
  try {
    // A rotation between opening the active file and the others: never read a file twice.
    const others = [];
    for (const file of pinned) {
      if ((await file.handle.stat()).ino !== cursor.ino) others.push(file);
    }
    const files = [...others, { handle: cursor.handle, size: cursor.position }];
    if (limit === undefined) {
      // Every stored record: a forward read, yielded as it goes (bounded memory).
      const query = { kinds: [kind], signal: options.signal };
      for await (const item of iterateFiles(files, query, options)) {
        if (accepts(item)) yield item.record;
      }
      return;
    }
    const out: StoredRecordByKind[K][] = [];
    const retention =
      options.retention && hasRetentionRules(options.retention)
        ? new TailRetention(options.retention, nowSeconds())
        : null;
    outer: for (const file of files.reverse()) {
      for await (const raw of readLinesBackward(file.handle, {
        endOffset: file.size,
        maxLineBytes,
      })) {
        const item = streamedRecordOf(raw.bytes);
        if (!item) continue;
        if (retention && !retention.admit({ ...item, bytes: raw.length + 1 })) {
          if (retention.exhausted([kind])) break outer;
          continue;
        }
        if (!accepts(item)) continue;
        out.push(item.record);
        if (out.length >= limit) break outer;
      }
    }
    yield* out.reverse();
  } finally {
    await closePinned(pinned);
  }
}

function lastTimestamp(line: Buffer | null): number | undefined {
  return streamedRecordOf(line)?.timestamp;
}
