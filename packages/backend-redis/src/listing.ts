import {
  finishListing,
  hasRetentionRules,
  inTimeWindow,
  type ListQuery,
  normalizeListQuery,
  nowSeconds,
  TailRetention,
} from "@papyra/core";
import type { StoreContext } from "./context.js";
import { classifyEntry, idFromSeconds } from "./entries.js";
import { STREAM_KIND, type StreamName, type StreamRecords } from "./keys.js";
import { PAGE_SIZE, pagesBackward } from "./stream-pages.js";

/**
 * Lists one stream's records within retention, newest first from Redis (XREVRANGE with COUNT),
 * so a `limit` costs work proportional to the limit. `since` and the age rule become a lower
 * stream id (widened by `clockSkewSeconds`); the records' own timestamps decide in the end.
 */
export async function listStream<S extends StreamName>(
  context: StoreContext,
  stream: S,
  query: ListQuery | undefined,
): Promise<StreamRecords[S][]> {
  type Out = StreamRecords[S];
  const q = normalizeListQuery(query);
  if (q.limit === 0) return [];
  const kind = STREAM_KIND[stream];
  const now = nowSeconds();
  const policy = context.retention;
  const tail = hasRetentionRules(policy) ? new TailRetention(policy ?? {}, now) : null;

  let lowerSeconds = q.since;
  if (policy?.maxAgeSeconds !== undefined) {
    const cutoff = now - policy.maxAgeSeconds;
    lowerSeconds = lowerSeconds === undefined ? cutoff : Math.max(lowerSeconds, cutoff);
  }
  const start =
    lowerSeconds === undefined
      ? "-"
      : idFromSeconds(lowerSeconds - context.options.clockSkewSeconds);

  const newestFirst: Out[] = [];
  const firstPageSize = q.limit === undefined ? PAGE_SIZE : Math.min(q.limit, PAGE_SIZE);
  walk: for await (const page of pagesBackward(context.call, context.keys.streams[stream], {
    start,
    firstPageSize,
  })) {
    for (const entry of page) {
      const item = classifyEntry(entry.fields);
      if (item.type === "damaged") continue;
      if (tail && !tail.admit(item)) {
        if (tail.exhausted([kind])) break walk;
        continue;
      }
      if (item.type !== "record" || item.kind !== kind) continue;
      if (!inTimeWindow(item.timestamp, q)) continue;
      newestFirst.push(item.record as Out);
      if (q.limit !== undefined && newestFirst.length >= q.limit) break walk;
    }
  }
  return finishListing(newestFirst.reverse(), q);
}
