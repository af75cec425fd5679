import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { eventLine, eventPool, recordSource } from "./records.js";

/** What was written to a generated store. */
export interface GeneratedStore {
  path: string;
  bytes: number;
  records: number;
}

/**
 * Writes an NDJSON store of about `targetBytes` directly (no backend involved: fast), with
 * the same stored lines a file backend writes, oldest first, in 4 MiB writes.
 */
export function generateStore(
  path: string,
  targetBytes: number,
  options: { seed?: number } = {},
): GeneratedStore {
  const seed = options.seed ?? 7;
  const next = recordSource(eventPool(16_384, seed));
  const fd = openSync(path, "w");
  let bytes = 0;
  let records = 0;
  try {
    while (bytes < targetBytes) {
      const lines: string[] = [];
      let chunkBytes = 0;
      while (chunkBytes < 4 * 1024 * 1024 && bytes + chunkBytes < targetBytes) {
        const line = `${eventLine(next())}\n`;
        lines.push(line);
        chunkBytes += Buffer.byteLength(line);
        records++;
      }
      const buffer = Buffer.from(lines.join(""));
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
      bytes += buffer.length;
    }
  } finally {
    closeSync(fd);
  }
  return { path, bytes, records };
}

/**
 * Damages a store in place: the first whole line after `fraction` of the file is overwritten
 * with the same number of `X` bytes (not JSON: a CORRUPTED_LINE that repair has to drop,
 * rewriting the whole file around it). Fast even on a 1 GB copy.
 */
export function corruptLineAt(path: string, fraction: number): void {
  const fd = openSync(path, "r+");
  try {
    const buffer = Buffer.alloc(8192);
    const at = Math.floor(fstatSync(fd).size * fraction);
    const read = readSync(fd, buffer, 0, buffer.length, at);
    const start = buffer.indexOf(10);
    const end = start === -1 ? -1 : buffer.indexOf(10, start + 1);
    if (start === -1 || end === -1 || end >= read)
      throw new Error(`no whole line near ${at} in ${path}`);
    writeSync(fd, Buffer.alloc(end - start - 1, "X"), 0, end - start - 1, at + start + 1);
  } finally {
    closeSync(fd);
  }
}
