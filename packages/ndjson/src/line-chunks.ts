import { isUtf8 } from "node:buffer";
import { open } from "node:fs/promises";
import type { DecodedLine } from "@papyra/core";
import { decodeLine } from "@papyra/core";
import { DEFAULT_MAX_LINE_BYTES, decodeLineBytes } from "./decode.js";

/**
 * One line as {@link forEachLine} hands it to its visitor. The same object is reused for every
 * line and its bytes are a view of a buffer that is reused after the chunk: read what you need
 * inside the callback.
 */
export class LineView {
  /** 1-based line number. */
  line = 0;
  /** Byte offset of the line's first byte in the file. */
  offset = 0;
  /** Length in bytes, without the newline. */
  length = 0;
  /** True when the line ended with `\n`; only a file's last line can lack it. */
  terminated = true;
  /** True when the line is longer than `maxLineBytes` (its bytes were never held whole). */
  oversized = false;
  /** True when the line lies wholly in the current chunk, at `start` (its newline follows it). */
  inChunk = false;
  /** Index of the line's first byte in `chunk` (when `inChunk`). */
  start = 0;
  /** The read buffer holding the line (when `inChunk`). */
  chunk: Buffer = EMPTY;
  /** The line's text, when its chunk decoded as valid UTF-8 in one go; undefined otherwise. */
  text: string | undefined = undefined;
  /** The line's own bytes, for a line that spanned chunks (or was the unterminated last one). */
  own: Buffer | null = null;

  /** The line's bytes without the newline (a view, valid during the callback); null when oversized. */
  bytes(): Buffer | null {
    if (this.oversized) return null;
    return this.inChunk ? this.chunk.subarray(this.start, this.start + this.length) : this.own;
  }

  /** Classifies the line as {@link decodeLineBytes} does, reusing the chunk's decoded text. */
  decode(): DecodedLine {
    if (this.oversized) return decodeLineBytes(null);
    if (this.text !== undefined) return decodeLine(this.text);
    return decodeLineBytes(this.bytes());
  }
}

/** Options of {@link forEachLine}. */
export interface ForEachLineOptions {
  /** Where to start reading (must be the start of a line). Default 0. */
  startOffset?: number;
  /** Line number of the line at `startOffset`. Default 1. */
  startLine?: number;
  /** Stop at this offset (exclusive). Default: the file's size when the read starts. */
  endOffset?: number;
  /** Read size. Default 256 KiB (larger chunks gain little and raise peak RSS). */
  chunkSize?: number;
  /** Longer lines are handed over with `oversized: true`, never held whole. Default 16 MiB. */
  maxLineBytes?: number;
  signal?: AbortSignal;
  /**
   * Awaited after the lines of each chunk (and after the last line), before the read buffer is
   * reused: the place to write out views of the chunk gathered by the visitor.
   */
  afterChunk?: () => Promise<void>;
}

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * Reads a file forward in large chunks and calls `visit` for each line, synchronously, with
 * no promise or buffer per line: the complete lines of a chunk are UTF-8-decoded in one call
 * (lines fall back to one decode each only in a chunk holding invalid UTF-8). The same lines,
 * positions and decoding as a plain forward line reader; memory about `chunkSize + maxLineBytes`.
 */
export async function forEachLine(
  path: string,
  options: ForEachLineOptions,
  visit: (line: LineView) => void,
): Promise<void> {
  const chunkSize = options.chunkSize ?? 256 * 1024;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const view = new LineView();
  const handle = await open(path, "r");
  try {
    const end = options.endOffset ?? (await handle.stat()).size;
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(chunkSize, end)));
    let position = options.startOffset ?? 0;
    let lineNumber = options.startLine ?? 1;
    // The line being carried over from earlier chunks.
    let carrying = false;
    let carryStart = 0;
    let parts: Buffer[] = [];
    let partsLength = 0;
    let carryOversized = false;
    const carry = (piece: Buffer): void => {
      if (!carryOversized) {
        if (partsLength + piece.length > maxLineBytes) {
          carryOversized = true;
          parts = [];
        } else if (piece.length > 0) {
          parts.push(Buffer.from(piece)); // the read buffer is reused
        }
      }
      partsLength += piece.length;
    };
    const emitCarried = (terminated: boolean): void => {
      view.line = lineNumber;
      view.offset = carryStart;
      view.length = partsLength;
      view.terminated = terminated;
      view.oversized = carryOversized;
      view.inChunk = false;
      view.text = undefined;
      view.own = carryOversized
        ? null
        : parts.length === 1
          ? (parts[0] as Buffer)
          : Buffer.concat(parts);
      visit(view);
      view.own = null;
      lineNumber += 1;
      carrying = false;
      parts = [];
      partsLength = 0;
      carryOversized = false;
    };
    while (position < end) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(buffer.length, end - position),
        position,
      );
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      let from = 0;
      if (carrying) {
        const nl = chunk.indexOf(NEWLINE);
        carry(chunk.subarray(0, nl === -1 ? chunk.length : nl));
        if (nl === -1) {
          position += bytesRead;
          continue;
        }
        emitCarried(true);
        from = nl + 1;
      }
      const lastNl = chunk.lastIndexOf(NEWLINE);
      if (lastNl >= from) {
        // One validation and one decode for the whole chunk (both SIMD in Node); with invalid
        // UTF-8 somewhere, each line is decoded (and judged) alone. toString keeps a U+FEFF,
        // which is stripped per line below as a per-line decoder does.
        const region = chunk.subarray(from, lastNl);
        const texts = isUtf8(region) ? region.toString("utf8").split("\n") : null;
        view.inChunk = true;
        view.chunk = chunk;
        view.terminated = true;
        view.own = null;
        let index = 0;
        let start = from;
        while (start <= lastNl) {
          const nl = chunk.indexOf(NEWLINE, start);
          const length = nl - start;
          view.line = lineNumber;
          view.offset = position + start;
          view.length = length;
          view.start = start;
          view.oversized = length > maxLineBytes;
          let text = texts === null ? undefined : texts[index];
          // A per-line decoder strips one leading BOM; do the same.
          if (text !== undefined && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          view.text = text;
          visit(view);
          lineNumber += 1;
          index += 1;
          start = nl + 1;
        }
        view.chunk = EMPTY;
        view.text = undefined;
        from = lastNl + 1;
      }
      if (from < chunk.length) {
        carrying = true;
        carryStart = position + from;
        carry(chunk.subarray(from));
      }
      position += bytesRead;
      if (options.afterChunk) await options.afterChunk();
    }
    if (carrying && partsLength > 0) {
      emitCarried(false);
      if (options.afterChunk) await options.afterChunk();
    }
  } finally {
    await handle.close();
  }
}
