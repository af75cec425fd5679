import type { RedisCall } from "./context.js";

/**
 * One stream entry as the client decoded it to text: invalid UTF-8 bytes became U+FFFD, so a
 * caller that must tell them apart re-reads the entry as bytes (see `scan.ts`).
 */
export type TextEntry = [id: string, fields: string[] | null];

/** Entries fetched per round trip by a full scan. */
export const SCAN_PAGE_SIZE = 500;

/** Where and how {@link textPages} walks a stream. */
export interface TextPagesOptions {
  /** Oldest first (`forward`) or newest first. */
  direction: "forward" | "backward";
  /** Lowest id to visit (inclusive, or exclusive with a `(` prefix). Default `-`. */
  start?: string;
  /** Size of the first page (later pages use `pageSize`). */
  firstPageSize?: number;
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Walks a stream page by page with text replies, asking Redis for the next page before the
 * current one is handed out, so decoding one page overlaps the server's work and the transfer
 * of the next. At most two pages are held at a time.
 */
export async function* textPages(
  call: RedisCall,
  key: string,
  options: TextPagesOptions,
): AsyncGenerator<TextEntry[]> {
  const pageSize = options.pageSize ?? SCAN_PAGE_SIZE;
  const forward = options.direction === "forward";
  const start = options.start ?? "-";
  const fetch = (cursor: string, count: number): Promise<TextEntry[]> =>
    call(
      (client) =>
        (forward
          ? client.xrange(key, cursor, "+", "COUNT", count)
          : client.xrevrange(key, cursor, start, "COUNT", count)) as Promise<TextEntry[]>,
    );
  let size = options.firstPageSize ?? pageSize;
  options.signal?.throwIfAborted();
  let pending = fetch(forward ? start : "+", size);
  for (;;) {
    const page = await pending;
    if (page.length === 0) return;
    const full = page.length >= size;
    if (full) {
      options.signal?.throwIfAborted();
      size = pageSize;
      pending = fetch(`(${(page[page.length - 1] as TextEntry)[0]}`, size);
      // A consumer that stops early never awaits the prefetched page: its failure is moot.
      pending.catch(() => {});
    }
    yield page;
    if (!full) return;
  }
}
