import {
  type FollowOptions,
  hasRetentionRules,
  type IterateQuery,
  normalizeIterateQuery,
  nowSeconds,
  RECORD_KINDS,
  type RecordKind,
  RetentionPlanner,
  type StoredRecordByKind,
  type StreamedRecord,
  TailRetention,
  validateFollowOptions,
} from "@papyra/core";
import { BlockingConnection } from "./blocking.js";
import type { RedisCall, StoreContext } from "./context.js";
import { classifyEntry, dataField, idFromSeconds, type RawEntry, toRawEntries } from "./entries.js";
import { STREAM_NAMES, type StreamName } from "./keys.js";
import type { RedisClient } from "./options.js";
import { streamReadReply } from "./replies.js";
import { PAGE_SIZE, pagesBackward } from "./stream-pages.js";

const STREAM_OF: Readonly<Record<RecordKind, StreamName>> = {
  event: "events",
  audit: "audits",
  dead_letter: "dead_letters",
};

/** How long one blocking read waits before the follow checks its signal again. */
const BLOCK_MS = 1000;

type EntryReply = [Buffer, Buffer[] | null][];
interface BufferReads {
  xrangeBuffer(
    key: string,
    start: string,
    end: string,
    ...rest: (string | number)[]
  ): Promise<EntryReply>;
  xreadBuffer(...args: (string | number)[]): Promise<unknown>;
}
const reads = (client: RedisClient) => client as unknown as BufferReads;

/** An entry as a streamed record, or null for damage and unknown kinds (never listed). */
function streamedOf(entry: RawEntry): (StreamedRecord & { bytes: number }) | null {
  const item = classifyEntry(entry.fields);
  if (item.type !== "record") return null;
  const data = dataField(entry.fields ?? []) as Buffer;
  return { ...item, line: data.toString("utf8") };
}

/** Entries of `key` from `start` to `end` (inclusive), oldest first, one page per round trip. */
async function* entriesForward(
  call: RedisCall,
  key: string,
  start: string,
  end: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<RawEntry> {
  let cursor = start;
  for (;;) {
    signal?.throwIfAborted();
    const from = cursor;
    const page = toRawEntries(
      await call((c) => reads(c).xrangeBuffer(key, from, end, "COUNT", PAGE_SIZE)),
    );
    yield* page;
    if (page.length < PAGE_SIZE) return;
    cursor = `(${(page[page.length - 1] as RawEntry).id}`;
  }
}

/**
 * Streams the selected kinds' records, stream by stream (events, audits, dead letters), oldest
 * first, one page in memory at a time. Retention applies as it does to listings; count and
 * byte rules need a planning pass over the stream first.
 */
export async function* iterateStreams(
  context: StoreContext,
  query: IterateQuery | undefined,
): AsyncGenerator<StreamedRecord> {
  const q = normalizeIterateQuery(query);
  const kinds = q.kinds ?? RECORD_KINDS;
  for (const name of STREAM_NAMES) {
    if (!kinds.includes(STREAM_OF_KIND[name])) continue;
    const key = context.keys.streams[name];
    // The end is fixed first, so a planning pass and the read see the same entries.
    const end = await newestId(context, key);
    if (end !== undefined) yield* iterateStream(context, name, q, end);
  }
}

/** The id of a stream's newest entry, or undefined when it is empty. */
async function newestId(context: StoreContext, key: string): Promise<string | undefined> {
  const newest = toRawEntries(
    await context.call((c) => c.xrevrangeBuffer(key, "+", "-", "COUNT", 1)),
  );
  return newest[0]?.id;
}

/** One stream's records up to entry `end` (inclusive), oldest first, within retention. */
async function* iterateStream(
  context: StoreContext,
  name: StreamName,
  q: IterateQuery,
  end: string,
): AsyncGenerator<StreamedRecord> {
  const kind = STREAM_OF_KIND[name];
  const key = context.keys.streams[name];
  const policy = context.retention ?? {};
  const now = nowSeconds();
  const cutoff = policy.maxAgeSeconds === undefined ? undefined : now - policy.maxAgeSeconds;
  let planner: RetentionPlanner | null = null;
  if (policy.maxRecords !== undefined || policy.maxTotalBytes !== undefined) {
    planner = new RetentionPlanner(policy, now);
    for await (const entry of entriesForward(context.call, key, "-", end, q.signal)) {
      const item = streamedOf(entry);
      if (item) planner.observe(item);
    }
  }
  // `since` becomes a lower id (widened by the clock skew) unless the planner must see all.
  const start =
    planner || q.since === undefined
      ? "-"
      : idFromSeconds(q.since - context.options.clockSkewSeconds);
  for await (const entry of entriesForward(context.call, key, start, end, q.signal)) {
    const item = streamedOf(entry);
    if (!item || item.kind !== kind) continue;
    if (planner && !planner.keep(item)) continue;
    if (cutoff !== undefined && !(item.timestamp >= cutoff)) continue;
    if (q.since !== undefined && !(item.timestamp >= q.since)) continue;
    if (q.until !== undefined && !(item.timestamp <= q.until)) continue;
    const { bytes: _size, ...record } = item;
    yield record;
  }
}

const STREAM_OF_KIND: Readonly<Record<StreamName, RecordKind>> = {
  events: "event",
  audits: "audit",
  dead_letters: "dead_letter",
};

/**
 * Follows one stream: yields the backlog (the newest `limit` accepted records, or all), then
 * each record as it is added, read with XREAD BLOCK on a connection of the follow's own (a
 * blocked read holds its connection), closed when the follow ends.
 */
export async function* followStream<K extends RecordKind>(
  context: StoreContext,
  kind: K,
  options: FollowOptions<K>,
): AsyncGenerator<StoredRecordByKind[K]> {
  validateFollowOptions(kind, options);
  const { signal } = options;
  if (signal.aborted) return;
  const key = context.keys.streams[STREAM_OF[kind]];
  const accepts = (item: StreamedRecord | null): item is StreamedRecord<K> =>
    item !== null &&
    item.kind === kind &&
    (options.since === undefined || item.timestamp >= options.since) &&
    (options.accept === undefined || options.accept(item.record as StoredRecordByKind[K]));
  const newest = await newestId(context, key);
  let lastId = newest ?? "0-0";
  if (newest !== undefined) yield* backlog(context, STREAM_OF[kind], newest, options, accepts);

  const blocking = new BlockingConnection(context.client, context.options, context.secrets);
  const stop = () => blocking.close();
  signal.addEventListener("abort", stop, { once: true });
  try {
    while (!signal.aborted) {
      const from = lastId;
      let reply: unknown;
      try {
        reply = await blocking.call(
          (c) => reads(c).xreadBuffer("COUNT", PAGE_SIZE, "BLOCK", BLOCK_MS, "STREAMS", key, from),
          BLOCK_MS + context.options.commandTimeoutMs,
        );
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      for (const [, entries] of streamReadReply<Buffer>(reply)) {
        for (const entry of toRawEntries(entries as EntryReply)) {
          lastId = entry.id;
          const item = streamedOf(entry);
          if (accepts(item)) yield item.record;
        }
      }
    }
  } finally {
    signal.removeEventListener("abort", stop);
    blocking.close();
  }
}

/** The stored part of a follow, up to entry `lastId`, oldest first. */
async function* backlog<K extends RecordKind>(
  context: StoreContext,
  name: StreamName,
  lastId: string,
  options: FollowOptions<K>,
  accepts: (item: StreamedRecord | null) => item is StreamedRecord<K>,
): AsyncGenerator<StoredRecordByKind[K]> {
  const limit = options.limit;
  if (limit === 0) return;
  if (limit === undefined) {
    const q: IterateQuery = { signal: options.signal };
    if (options.since !== undefined) q.since = options.since;
    for await (const item of iterateStream(context, name, q, lastId)) {
      if (accepts(item)) yield item.record;
    }
    return;
  }
  const policy = context.retention ?? {};
  const tail = hasRetentionRules(policy) ? new TailRetention(policy, nowSeconds()) : null;
  const newestFirst: StoredRecordByKind[K][] = [];
  const key = context.keys.streams[name];
  walk: for await (const page of pagesBackward(context.call, key, { end: lastId })) {
    for (const entry of page) {
      const item = streamedOf(entry);
      if (!item) continue;
      if (tail && !tail.admit(item)) {
        if (tail.exhausted([item.kind])) break walk;
        continue;
      }
      if (!accepts(item)) continue;
      newestFirst.push(item.record);
      if (newestFirst.length >= limit) break walk;
    }
  }
  yield* newestFirst.reverse();
}
