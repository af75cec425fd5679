import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readLinesBackward } from "./read-lines.js";

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

/** A follow's place in the file it reads: the file (pinned by its handle) and the next byte. */
export interface Cursor {
  handle: FileHandle;
  ino: number;
  position: number;
  /** Bytes of the line being appended, not yet ended by a newline. */
  pending: Buffer[];
  pendingLength: number;
  oversized: boolean;
}

/** A cursor at the start of an open file. */
export async function cursorOf(handle: FileHandle): Promise<Cursor> {
  const { ino } = await handle.stat();
  return { handle, ino, position: 0, pending: [], pendingLength: 0, oversized: false };
}

/** Opens `path` or returns null when it does not exist. */
export async function openIfPresent(path: string): Promise<FileHandle | null> {
  return open(path, "r").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
}

/** Opens `path`, waiting (polling) while it does not exist; null once `signal` aborts. */
export async function openCursor(
  path: string,
  signal: AbortSignal,
  pollMs: number,
): Promise<Cursor | null> {
  while (!signal.aborted) {
    const handle = await openIfPresent(path);
    if (handle) return cursorOf(handle);
    await sleep(pollMs, undefined, { signal }).catch(() => {});
  }
  return null;
}

/** Moves a cursor to `position`, dropping any partial line. */
export function resetCursor(cursor: Cursor, position: number): void {
  cursor.position = position;
  cursor.pending = [];
  cursor.pendingLength = 0;
  cursor.oversized = false;
}

/**
 * Reads what was appended since the last read; returns the lines it completed. A line longer
 * than `maxLineBytes` is damage: dropped, never held whole.
 */
export async function drain(cursor: Cursor, maxLineBytes: number): Promise<Buffer[]> {
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
          cursor.oversized = true;
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
export async function lineStartBefore(handle: FileHandle, end: number): Promise<number> {
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

/** The last complete, non-empty line before `end` (which starts a line), or null. */
export async function lastLineBefore(
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
 * only what was appended since is read. Not found: offset 0.
 */
export async function resumeAfter(
  handle: FileHandle,
  lastLine: Buffer | null,
  maxLineBytes: number,
): Promise<{ offset: number; found: boolean }> {
  if (lastLine === null) return { offset: 0, found: true };
  const end = await lineStartBefore(handle, (await handle.stat()).size);
  for await (const raw of readLinesBackward(handle, { endOffset: end, maxLineBytes })) {
    if (raw.bytes?.equals(lastLine)) {
      return { offset: raw.offset + raw.length + 1, found: true };
    }
  }
  return { offset: 0, found: false };
}

/** A rotated segment opened by {@link pinRotationSet}. */
export interface PinnedSegment {
  index: number;
  handle: FileHandle;
  ino: number;
}

/** The rotated segments beside `path` (`path.N`, any N), newest (lowest N) first. */
async function rotatedNames(path: string): Promise<{ index: number; path: string }[]> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const segments: { index: number; path: string }[] = [];
  for (const name of names) {
    const suffix = name.startsWith(prefix) ? name.slice(prefix.length) : "";
    if (/^[1-9][0-9]{0,8}$/.test(suffix)) {
      segments.push({ index: Number(suffix), path: join(dirname(path), name) });
    }
  }
  return segments.sort((a, b) => a.index - b.index);
}

/**
 * Opens the active file and every rotated segment (`path.N`, newest first) as they were at
 * one instant: after opening, each name must still hold the file opened, else a rotation raced
 * the opens and they are retried. Null when the active file does not exist.
 */
export async function pinRotationSet(
  path: string,
): Promise<{ active: FileHandle; rotated: PinnedSegment[] } | null> {
  for (let attempt = 1; ; attempt++) {
    const names = await rotatedNames(path);
    const active = await openIfPresent(path);
    if (!active) return null;
    const rotated: PinnedSegment[] = [];
    for (const name of names) {
      const handle = await openIfPresent(name.path);
      if (handle) rotated.push({ index: name.index, handle, ino: (await handle.stat()).ino });
    }
    let stable = (await stat(path).catch(() => null))?.ino === (await active.stat()).ino;
    for (const segment of rotated) {
      if (!stable) break;
      const now = await stat(`${path}.${segment.index}`).catch(() => null);
      stable = now?.ino === segment.ino;
    }
    if (stable || attempt >= 5) return { active, rotated };
    await Promise.all(
      [active, ...rotated.map((s) => s.handle)].map((h) => h.close().catch(() => {})),
    );
  }
}
