import { closeSync, openSync, writeSync } from "node:fs";
import { eventLine, eventPool, recordSource } from "./records.js";

/** What was written to a generated store. */
export interface GeneratedStore {
  path: string;
  bytes: number;
  records: number;
}

/** A line that is not JSON (a CORRUPTED_LINE anomaly). */
export const CORRUPT_LINE = '{"kind":"event","system_id":"x",GARBAGE\n';

/**
 * Writes an NDJSON store of about `targetBytes` directly (no backend involved: fast), with
 * the same stored lines a file backend writes, oldest first, in 4 MiB writes.
 */
export function generateStore(
  path: string,
  targetBytes: number,
  options: { seed?: number; damaged?: boolean } = {},
): GeneratedStore {
  const seed = options.seed ?? 7;
  let damagePending = options.damaged === true;
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
      if (damagePending && bytes + chunkBytes >= targetBytes / 2) {
        // One corrupted line half-way: repair has to rewrite the whole file around it.
        lines.push(CORRUPT_LINE);
        chunkBytes += CORRUPT_LINE.length;
        damagePending = false;
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
