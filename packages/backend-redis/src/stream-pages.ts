import type { RedisCall } from "./context.js";
import { type RawEntry, toRawEntries } from "./entries.js";

/** Entries fetched per round trip when walking a whole stream. */
export const PAGE_SIZE = 500;

/** Walks a stream oldest first, one page per round trip, from `start` (inclusive). */
export async function* pagesForward(
  call: RedisCall,
  key: string,
  options: { start?: string; pageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<RawEntry[]> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  let cursor = options.start ?? "-";
  for (;;) {
    options.signal?.throwIfAborted();
    const from = cursor;
    const page = toRawEntries(
      await call((client) => client.xrangeBuffer(key, from, "+", "COUNT", pageSize)),
    );
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    cursor = `(${(page[page.length - 1] as RawEntry).id}`;
  }
}

/**
 * Walks a stream newest first between `end` and `start` (inclusive). `pageSizes` yields the
 * size of each successive page, so a listing with a limit asks for about that many first.
 */
export async function* pagesBackward(
  call: RedisCall,
  key: string,
  options: { start?: string; end?: string; firstPageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<RawEntry[]> {
  let pageSize = options.firstPageSize ?? PAGE_SIZE;
  let cursor = options.end ?? "+";
  const start = options.start ?? "-";
  for (;;) {
    options.signal?.throwIfAborted();
    const [from, count] = [cursor, pageSize];
    const page = toRawEntries(
      await call((client) => client.xrevrangeBuffer(key, from, start, "COUNT", count)),
    );
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    cursor = `(${(page[page.length - 1] as RawEntry).id}`;
    pageSize = PAGE_SIZE;
  }
}
