import type { Anomaly, ScanOptions, ScanReport } from "@papyra/core";
import type { StoreContext } from "./context.js";
import { classifyEntry, entryBytes, type RawEntry } from "./entries.js";
import { STREAM_NAMES } from "./keys.js";
import { pagesBackward, pagesForward } from "./stream-pages.js";

/** An entry a scan found damaged, with the anomaly describing it. */
export interface DamagedEntry {
  key: string;
  entry: RawEntry;
  anomaly: Anomaly;
}

/** Checks that `key` is a stream or absent; anything else is reported, never touched. */
async function keyTypeAnomaly(context: StoreContext, key: string): Promise<Anomaly | null> {
  const type = await context.client.type(key);
  if (type === "stream" || type === "none") return null;
  return {
    type: "UNEXPECTED_FILE",
    path: key,
    detail: `key holds a Redis ${type}, not a stream; Papyra does not read or change it`,
  };
}

/**
 * Visits every entry of every stream (or the newest `sampleSize` of each), page by page, and
 * calls `onDamaged` for each damaged one. Memory stays bounded by one page.
 */
export async function scanStreams(
  context: StoreContext,
  options: ScanOptions,
  onDamaged?: (damaged: DamagedEntry) => Promise<void> | void,
): Promise<ScanReport> {
  const anomalies: Anomaly[] = [];
  let records = 0;
  let bytes = 0;
  let done = 0;
  const sampleSize = options.sampleSize;
  await context.ready();
  let total = 0;
  if (options.onProgress) {
    for (const name of STREAM_NAMES) {
      total += await context.client.xlen(context.keys.streams[name]).catch(() => 0);
    }
    if (sampleSize !== undefined) total = Math.min(total, sampleSize * STREAM_NAMES.length);
  }
  for (const name of STREAM_NAMES) {
    const key = context.keys.streams[name];
    const wrongType = await keyTypeAnomaly(context, key);
    if (wrongType) {
      anomalies.push(wrongType);
      continue;
    }
    const pages =
      sampleSize === undefined
        ? pagesForward(context.client, key, { signal: options.signal })
        : pagesBackward(context.client, key, {
            firstPageSize: Math.max(1, sampleSize),
            signal: options.signal,
          });
    let seen = 0;
    walk: for await (const page of pages) {
      for (const entry of page) {
        if (sampleSize !== undefined && seen >= sampleSize) break walk;
        seen += 1;
        done += 1;
        bytes += entryBytes(entry);
        const item = classifyEntry(entry.fields);
        if (item.type !== "damaged") {
          records += 1;
          continue;
        }
        const anomaly: Anomaly = {
          type: item.anomaly,
          path: key,
          detail: `entry ${entry.id}: ${item.detail}`,
        };
        anomalies.push(anomaly);
        if (onDamaged) await onDamaged({ key, entry, anomaly });
      }
      options.onProgress?.({ phase: "scan", done, total, unit: "records" });
    }
  }
  return {
    location: context.location,
    anomalies,
    records_scanned: records,
    bytes_scanned: bytes,
    incremental: false,
    sampled: sampleSize !== undefined,
  };
}
