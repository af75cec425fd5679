/** One run of consecutive lines of a batch that go to the same segment. */
export interface BatchChunk {
  /** Index of the chunk's first line in the batch. */
  start: number;
  /** Index one past the chunk's last line. */
  end: number;
  /** Rotate the set before writing this chunk. */
  rotateFirst: boolean;
  /** Bytes of the chunk. */
  bytes: number;
}

/**
 * Splits a batch of line sizes at the segment boundary: a new segment starts whenever the next
 * line would take the active segment past `maxBytes`. A line is never split, and an empty
 * segment always takes the next line (callers refuse lines larger than `maxBytes`, so every
 * segment stays within it).
 */
export function planBatch(
  lineSizes: readonly number[],
  activeSize: number,
  maxBytes: number,
): BatchChunk[] {
  const chunks: BatchChunk[] = [];
  let size = activeSize;
  let current: BatchChunk = { start: 0, end: 0, rotateFirst: false, bytes: 0 };
  for (let i = 0; i < lineSizes.length; i++) {
    const line = lineSizes[i] as number;
    if (size > 0 && size + line > maxBytes) {
      if (current.end > current.start) chunks.push(current);
      current = { start: i, end: i, rotateFirst: true, bytes: 0 };
      size = 0;
    }
    current.end = i + 1;
    current.bytes += line;
    size += line;
  }
  if (current.end > current.start) chunks.push(current);
  return chunks;
}
