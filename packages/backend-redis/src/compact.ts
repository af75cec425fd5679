import {
  type CompactionReport,
  type CompactOptions,
  hasRetentionRules,
  nowSeconds,
  PersistenceDamagedError,
  type RetentionPolicy,
  TailRetention,
  validateCompactOptions,
} from "@papyra/core";
import type { StoreContext } from "./context.js";
import { classifyEntry, entryBytes } from "./entries.js";
import { STREAM_NAMES } from "./keys.js";
import { scanStreams } from "./scan.js";
import { pagesBackward } from "./stream-pages.js";

const DELETE_BATCH = 500;

/**
 * Removes from one stream exactly what retention excludes, walking newest first. Dropped
 * entries with kept ones older than them are deleted with XDEL in batches; the run of dropped
 * entries older than every kept one is cut with an exact XTRIM MINID. Damaged entries and
 * records of kinds this version does not know are kept.
 */
async function compactStream(
  context: StoreContext,
  key: string,
  policy: RetentionPolicy,
  now: number,
  dryRun: boolean,
): Promise<{ removed: number; removedBytes: number }> {
  const tail = new TailRetention(policy, now);
  let removed = 0;
  let removedBytes = 0;
  let pending: string[] = [];
  let oldestKept: string | undefined;
  const flush = async () => {
    if (pending.length === 0) return;
    const ids = pending;
    removed += dryRun ? ids.length : await context.call((client) => client.xdel(key, ...ids));
    pending = [];
  };
  for await (const page of pagesBackward(context.call, key)) {
    for (const entry of page) {
      const item = classifyEntry(entry.fields);
      const keep = item.type === "damaged" || tail.admit(item);
      if (keep) {
        await flush();
        oldestKept = entry.id;
        continue;
      }
      pending.push(entry.id);
      removedBytes += entryBytes(entry);
      if (pending.length >= DELETE_BATCH) await flush();
    }
  }
  if (dryRun) {
    removed += pending.length;
  } else if (pending.length > 0 && oldestKept !== undefined) {
    // Everything older than the oldest kept entry is dropped: one exact trim.
    const minId = oldestKept;
    removed += await context.call((client) => client.xtrim(key, "MINID", minId));
  } else {
    // Nothing kept: delete by id, so entries appended meanwhile are never touched.
    await flush();
  }
  return { removed, removedBytes };
}

/**
 * Physically applies retention to every stream. Refuses, changing nothing, when a scan finds
 * damage. Records are stream entries; bytes are the entries' payload bytes (field names and
 * values, as the scan counts them), not Redis memory, which deletions inside a stream node do
 * not shrink at once. With `dryRun` the same walk counts what would go and deletes nothing.
 */
export async function compactStreams(
  context: StoreContext,
  options: CompactOptions,
): Promise<CompactionReport> {
  validateCompactOptions(options);
  const dryRun = options.dryRun === true;
  const scan = await scanStreams(context, { signal: options.signal });
  if (scan.anomalies.length > 0) {
    throw new PersistenceDamagedError(context.location, scan.anomalies.length);
  }
  const policy = context.retention;
  const now = nowSeconds();
  let beforeRecords = 0;
  let removed = 0;
  let removedBytes = 0;
  let done = 0;
  for (const name of STREAM_NAMES) {
    options.signal?.throwIfAborted();
    const key = context.keys.streams[name];
    const length = await context.call((client) => client.xlen(key));
    beforeRecords += length;
    if (policy && hasRetentionRules(policy)) {
      const result = await compactStream(context, key, policy, now, dryRun);
      removed += result.removed;
      removedBytes += result.removedBytes;
    }
    done += length;
    options.onProgress?.({ phase: "compact", done, unit: "records" });
  }
  const beforeBytes = scan.bytes_scanned ?? 0;
  return {
    ...(dryRun ? { dry_run: true } : {}),
    before_records: beforeRecords,
    after_records: beforeRecords - removed,
    removed_records: removed,
    before_bytes: beforeBytes,
    after_bytes: Math.max(0, beforeBytes - removedBytes),
    reclaimed_bytes: Math.min(beforeBytes, removedBytes),
  };
}
