// The forward line reader the package once exported: only tests use it now (as the model the
// chunked scanner, `line-chunks.ts`, is checked against).
import { open } from "node:fs/promises";
import { DEFAULT_MAX_LINE_BYTES } from "../../src/decode.js";
import type { RawLine } from "../../src/read-lines.js";

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

const NEWLINE = 0x0a;

/**
 * Reads a file forward in chunks, yielding its lines with their position. Memory stays within
 * about `chunkSize + maxLineBytes` whatever the file's size. Yielded buffers are never reused,
 * so a consumer may keep them.
 */
export async function* readLines(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<RawLine> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const handle = await open(path, "r");
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
    await handle.close();
  }
}
