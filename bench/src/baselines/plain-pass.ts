import { open } from "node:fs/promises";

/** What a plain pass saw. */
export interface PlainPassResult {
  bytes: number;
  records: number;
  lines: number;
}

/**
 * The plain pass: read the file in 1 MiB chunks, split lines, JSON.parse each. The floor any
 * scanner that really parses every record has to stand on.
 */
export async function plainPass(path: string, chunkSize = 1024 * 1024): Promise<PlainPassResult> {
  const handle = await open(path, "r");
  const chunk = Buffer.allocUnsafe(chunkSize);
  let carry: Buffer = Buffer.alloc(0);
  let bytes = 0;
  let lines = 0;
  let records = 0;
  const parse = (buffer: Buffer, start: number, end: number): void => {
    lines++;
    const value: unknown = JSON.parse(buffer.toString("utf8", start, end));
    if (typeof value === "object" && value !== null) records++;
  };
  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunkSize, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      let data = chunk.subarray(0, bytesRead);
      if (carry.length > 0) data = Buffer.concat([carry, data]);
      let start = 0;
      for (;;) {
        const newline = data.indexOf(10, start);
        if (newline === -1) break;
        if (newline > start) parse(data, start, newline);
        start = newline + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) parse(carry, 0, carry.length);
  } finally {
    await handle.close();
  }
  return { bytes, records, lines };
}
