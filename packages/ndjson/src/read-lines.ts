import { type FileHandle, open } from "node:fs/promises";
import { DEFAULT_MAX_LINE_BYTES } from "./decode.js";

/** Where a line lies in its file and how it ended: what an anomaly report needs of it. */
export interface LinePosition {
  /** 1-based line number (forward reads only; 0 from the tail reader, which cannot know it). */
  line: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** Length of the line in bytes, without its newline. */
  length: number;
  /** True when the line ended with `\n`; only a file's last line can lack it. */
  terminated: boolean;
  /** True when the line is longer than `maxLineBytes` (its bytes were never held whole). */
  oversized: boolean;
}

/** One line of a file as the tail reader found it: its position and its bytes. */
export interface RawLine extends LinePosition {
  /** The line's bytes without its newline; `null` when oversized. */
  bytes: Buffer | null;
}

const NEWLINE = 0x0a;

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Where to start reading (must be the start of a line). Default 0. */
  startOffset?: number;
  /** Line number of the line at `startOffset`. Default 1. */
  startLine?: number;
  /** Stop at this offset (exclusive), e.g. the size seen when a scan started. Default: end of file. */
  endOffset?: number;
  /** Read size. Default 64 KiB. */
  chunkSize?: number;
  /** Longer lines are yielded with `bytes: null` without ever being held whole. Default 16 MiB. */
  maxLineBytes?: number;
  /** Aborts the read; the generator then throws the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Reads a file forward in chunks, yielding its lines with their position. Memory stays within
 * about `chunkSize + maxLineBytes` whatever the file's size. Yielded buffers are never reused,
 * so a consumer may keep them.
 */
export async function* readLines(
  path: string | FileHandle,
  options: ReadLinesOptions = {},
): AsyncGenerator<RawLine> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  // A handle given by the caller stays open: it pins a file that a rotation may rename.
  const owned = typeof path === "string";
  const handle = owned ? await open(path, "r") : path;
  try {
    const end = options.endOffset ?? (await handle.stat()).size;
    let position = options.startOffset ?? 0;
    let lineNumber = options.startLine ?? 1;
    let lineStart = position;
    let parts: Buffer[] = [];
    let partsLength = 0;
    let oversized = false;
    while (position < end) {
      options.signal?.throwIfAborted();
      const buffer = Buffer.allocUnsafe(Math.min(chunkSize, end - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      let from = 0;
      while (from < chunk.length) {
        const nl = chunk.indexOf(NEWLINE, from);
        const stop = nl === -1 ? chunk.length : nl;
        const piece = chunk.subarray(from, stop);
        if (!oversized) {
          if (partsLength + piece.length > maxLineBytes) {
            oversized = true;
            parts = [];
          } else if (piece.length > 0) {
            parts.push(piece);
          }
        }
        partsLength += piece.length;
        if (nl === -1) break;
        yield {
          bytes: oversized
            ? null
            : parts.length === 1
              ? (parts[0] as Buffer)
              : Buffer.concat(parts),
          line: lineNumber,
          offset: lineStart,
          length: partsLength,
          terminated: true,
          oversized,
        };
        lineNumber += 1;
        lineStart = position + nl + 1;
        parts = [];
        partsLength = 0;
        oversized = false;
        from = nl + 1;
      }
      position += bytesRead;
    }
    if (partsLength > 0) {
      yield {
        bytes: oversized ? null : Buffer.concat(parts),
        line: lineNumber,
        offset: lineStart,
        length: partsLength,
        terminated: false,
        oversized,
      };
    }
  } finally {
    if (owned) await handle.close();
  }
}

/** Options of {@link readLinesBackward}. */
export interface ReadLinesBackwardOptions {
  /** Read the file as if it ended here. Default: its current size. */
  endOffset?: number;
  /** Read size. Default 64 KiB. */
  chunkSize?: number;
  /** Longer lines are yielded with `bytes: null`. Default 16 MiB. */
  maxLineBytes?: number;
  signal?: AbortSignal;
}

/**
 * Reads a file backwards from its end in chunks, yielding lines newest first (`line` is 0).
 * Work is proportional to the lines consumed: stop iterating and the rest is never read.
 * A trailing newline does not produce an empty line; an unterminated last line is yielded
 * first with `terminated: false`.
 */
export async function* readLinesBackward(
  path: string | FileHandle,
  options: ReadLinesBackwardOptions = {},
): AsyncGenerator<RawLine> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const owned = typeof path === "string";
  const handle = owned ? await open(path, "r") : path;
  try {
    const end = options.endOffset ?? (await handle.stat()).size;
    let position = end;
    // Pieces of the line being assembled, collected from its end, so in reverse file order.
    let parts: Buffer[] = [];
    let partsLength = 0;
    let oversized = false;
    let terminated = true;
    let first = true;
    const emit = (offset: number): RawLine => {
      const bytes = oversized
        ? null
        : parts.length === 1
          ? (parts[0] as Buffer)
          : Buffer.concat(parts.reverse());
      const line: RawLine = {
        bytes,
        line: 0,
        offset,
        length: partsLength,
        terminated,
        oversized: bytes === null,
      };
      parts = [];
      partsLength = 0;
      oversized = false;
      terminated = true;
      return line;
    };
    while (position > 0) {
      options.signal?.throwIfAborted();
      const size = Math.min(chunkSize, position);
      position -= size;
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(buffer, 0, size, position);
      const chunk = buffer.subarray(0, bytesRead);
      let to = chunk.length; // exclusive end of unprocessed bytes in this chunk
      if (first) {
        first = false;
        if (chunk.length > 0 && chunk[chunk.length - 1] === NEWLINE) {
          to -= 1;
        } else {
          terminated = false;
        }
      }
      while (to >= 0) {
        const nl = to === 0 ? -1 : chunk.lastIndexOf(NEWLINE, to - 1);
        const piece = chunk.subarray(nl + 1, to);
        if (!oversized) {
          if (partsLength + piece.length > maxLineBytes) {
            oversized = true;
            parts = [];
          } else if (piece.length > 0) {
            parts.push(piece);
          }
        }
        partsLength += piece.length;
        if (nl === -1) break;
        const lineOffset = position + nl + 1;
        yield emit(lineOffset);
        to = nl;
      }
    }
    // A non-empty file always has a line at offset 0 (possibly an empty one before a newline).
    if (end > 0) yield emit(0);
  } finally {
    if (owned) await handle.close();
  }
}
