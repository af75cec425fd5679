import { type FileHandle, open, stat } from "node:fs/promises";
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
import { closePinned, iterateFiles, pinFiles, streamedRecordOf } from "./iterate-files.js";
import { type RawLine, readLinesBackward } from "./read-lines.js";

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

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

/** The follow's place in the file it reads: the file (pinned by its handle) and the next byte. */
interface Cursor {
  handle: FileHandle;
  ino: number;
  position: number;
  /** Bytes of the line being appended, not yet ended by a newline. */
  pending: Buffer[];
  pendingLength: number;
  oversized: boolean;
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
  const rotatedPath = (index: number) => `${path}.${index}`;
  const accepts = (item: StreamedRecord | null): item is StreamedRecord<K> =>
    item !== null &&
    item.kind === kind &&
    (options.since === undefined || item.timestamp >= options.since) &&
    (options.accept === undefined || options.accept(item.record as StoredRecordByKind[K]));

  let cursor = await openCursor(path, signal, pollMs);
  if (!cursor) return;
  let lastLine: Buffer | null = null;
  /** After a rewrite whose resume point was not found: skip records not newer than this. */
  let notAfter: number | undefined;
  try {
    // Follow from the start of a line: an unterminated last line is read once it ends.
    cursor.position = await lineStartBefore(cursor.handle, (await cursor.handle.stat()).size);
    lastLine = await lastLineBefore(cursor.handle, cursor.position, maxLineBytes);
    yield* backlog(kind, cursor, options, maxFiles, maxLineBytes, accepts);

    const emit = (bytes: Buffer): StoredRecordByKind[K] | null => {
      lastLine = bytes;
      const item = streamedRecordOf({ bytes, line: 0, offset: 0, length: bytes.length, terminated: true });
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
      const rotatedTo = (await cursor.handle.stat()).nlink > 0 ? await findRotated(cursor.ino) : 0;
      const next = await openCursor(path, signal, pollMs);
      await cursor.handle.close().catch(() => {});
      if (!next) return;
      cursor = next;
      if (rotatedTo > 0) {
        // Segments rotated after ours (path.(k-1) … path.1) hold only records not read yet.
        const newer: string[] = [];
        for (let index = rotatedTo - 1; index >= 1; index--) newer.push(rotatedPath(index));
        const pinned = await pinFiles(newer);
        try {
          for await (const item of iterateFiles(pinned, { kinds: [kind], signal }, { maxLineBytes })) {
            lastLine = Buffer.from(item.line);
            if (accepts(item)) yield item.record;
          }
        } finally {
          await closePinned(pinned);
        }
      } else {
        const resume = await resumeAfter(cursor.handle, lastLine, maxLineBytes);
        cursor.position = resume.offset;
        if (!resume.found) notAfter = lastTimestamp(lastLine);
      }
    }
  } finally {
    await cursor.handle.close().catch(() => {});
  }

  /** The index of the rotated segment now holding inode `ino`, or 0. */
  async function findRotated(ino: number): Promise<number> {
    for (let index = 1; index < maxFiles; index++) {
      const st = await stat(rotatedPath(index)).catch(() => null);
      if (st?.ino === ino) return index;
    }
    return 0;
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
        const item = streamedRecordOf(raw);
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

/** Opens `path`, waiting (polling) while it does not exist; null once `signal` aborts. */
async function openCursor(path: string, signal: AbortSignal, pollMs: number): Promise<Cursor | null> {
  while (!signal.aborted) {
    const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    if (handle) {
      const { ino } = await handle.stat();
      return { handle, ino, position: 0, pending: [], pendingLength: 0, oversized: false };
    }
    await sleep(pollMs, undefined, { signal }).catch(() => {});
  }
  return null;
}

function resetCursor(cursor: Cursor, position: number): void {
  cursor.position = position;
  cursor.pending = [];
  cursor.pendingLength = 0;
  cursor.oversized = false;
}

/** Reads what was appended since the last read; returns the lines it completed. */
async function drain(cursor: Cursor, maxLineBytes: number): Promise<Buffer[]> {
  const lines: Buffer[] = [];
  const size = (await cursor.handle.stat()).size;
  while (cursor.position < size) {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, size - cursor.position));
    const { bytesRead } = await cursor.handle.read(buffer, 0, buffer.length, cursor.position);
    if (bytesRead === 0) break;
    cursor.position += bytesRead;
    let from = 0;
    while (from < bytesRead) {
      const nl = buffer.indexOf(NEWLINE, from);
      const stop = nl === -1 || nl >= bytesRead ? bytesRead : nl;
      const piece = buffer.subarray(from, stop);
      if (!cursor.oversized) {
        if (cursor.pendingLength + piece.length > maxLineBytes) {
          cursor.oversized = true; // damage: dropped, never held whole
          cursor.pending = [];
        } else if (piece.length > 0) {
          cursor.pending.push(Buffer.from(piece));
        }
      }
      cursor.pendingLength += piece.length;
      if (stop === bytesRead) break;
      if (!cursor.oversized) lines.push(Buffer.concat(cursor.pending));
      cursor.pending = [];
      cursor.pendingLength = 0;
      cursor.oversized = false;
      from = stop + 1;
    }
  }
  return lines;
}

/** Offset just after the last newline before `end` (0 when there is none). */
async function lineStartBefore(handle: FileHandle, end: number): Promise<number> {
  let position = end;
  while (position > 0) {
    const size = Math.min(CHUNK, position);
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(buffer, 0, size, position - size);
    const nl = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (nl !== -1) return position - size + nl + 1;
    position -= size;
  }
  return 0;
}

/** The last complete line before `end` (which starts a line), or null. */
async function lastLineBefore(
  handle: FileHandle,
  end: number,
  maxLineBytes: number,
): Promise<Buffer | null> {
  for await (const raw of readLinesBackward(handle, { endOffset: end, maxLineBytes })) {
    if (raw.bytes !== null && raw.length > 0) return Buffer.from(raw.bytes);
  }
  return null;
}

/**
 * Where to resume in a file rewritten under the follow: just after the newest line equal to
 * the last line read (rewrites copy kept lines byte for byte), read backwards from the end so
 * only what was appended since is read. Not found: from the start.
 */
async function resumeAfter(
  handle: FileHandle,
  lastLine: Buffer | null,
  maxLineBytes: number,
): Promise<{ offset: number; found: boolean }> {
  if (lastLine === null) return { offset: 0, found: true };
  const end = await lineStartBefore(handle, (await handle.stat()).size);
  for await (const raw of readLinesBackward(handle, { endOffset: end, maxLineBytes })) {
    if (raw.bytes !== null && raw.bytes.equals(lastLine)) {
      return { offset: raw.offset + raw.length + 1, found: true };
    }
  }
  return { offset: 0, found: false };
}

function lastTimestamp(line: Buffer | null): number | undefined {
  if (line === null) return undefined;
  const raw: RawLine = { bytes: line, line: 0, offset: 0, length: line.length, terminated: true };
  return streamedRecordOf(raw)?.timestamp;
}
