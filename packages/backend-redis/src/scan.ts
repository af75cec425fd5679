import type { Anomaly, ScanOptions, ScanReport } from "@papyra/core";
import type { StoreContext } from "./context.js";
import {
  classifyEntry,
  cleanTextBytes,
  entryBytes,
  type RawEntry,
  toRawEntries,
} from "./entries.js";
import { STREAM_NAMES, type StreamName } from "./keys.js";
import { textPages } from "./text-pages.js";

/** An entry a scan found damaged, with the anomaly describing it. */
export interface DamagedEntry {
  key: string;
  entry: RawEntry;
  anomaly: Anomaly;
}

/** Checks that `key` is a stream or absent; anything else is reported, never touched. */
async function keyTypeAnomaly(context: StoreContext, key: string): Promise<Anomaly | null> {
  const type = await context.call((client) => client.type(key));
  if (type === "stream" || type === "none") return null;
  return {
    type: "UNEXPECTED_FILE",
    path: key,
    detail: `key holds a Redis ${type}, not a stream; Papyra does not read or change it`,
  };
}

const CLEAN_AT = "clean_at";

/**
 * Where an incremental scan may start in each stream: after the last entry a clean scan saw.
 * Null when no scan was ever clean (then everything is checked). Stream ids only grow, so what
 * lies before the mark was checked and cannot have changed except by deletion.
 */
async function incrementalStarts(
  context: StoreContext,
): Promise<Partial<Record<StreamName, string>> | null> {
  const state = await context.call((client) => client.hgetall(context.keys.scanState));
  if (state[CLEAN_AT] === undefined) return null;
  const starts: Partial<Record<StreamName, string>> = {};
  for (const name of STREAM_NAMES) {
    const mark = state[name];
    if (mark !== undefined) starts[name] = `(${mark}`;
  }
  return starts;
}

/**
 * Visits every entry of every stream (or the newest `sampleSize` of each; or, with
 * `incremental`, only entries added since the last clean scan), page by page, and calls
 * `onDamaged` for each damaged one. Memory stays bounded by one page. A clean full or
 * incremental scan records how far it got in the `scan_state` hash (bookkeeping only; no
 * record is touched).
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
  const starts =
    options.incremental === true && sampleSize === undefined
      ? await incrementalStarts(context)
      : null;
  const lastIds: Partial<Record<StreamName, string>> = {};
  let total = 0;
  if (options.onProgress) {
    for (const name of STREAM_NAMES) {
      const key = context.keys.streams[name];
      total += await context.call((client) => client.xlen(key)).catch(() => 0);
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
        ? textPages(context.call, key, {
            direction: "forward",
            start: starts?.[name] ?? "-",
            signal: options.signal,
          })
        : textPages(context.call, key, {
            direction: "backward",
            firstPageSize: Math.max(1, sampleSize),
            signal: options.signal,
          });
    let seen = 0;
    walk: for await (const page of pages) {
      for (const [id, fields] of page) {
        if (sampleSize !== undefined && seen >= sampleSize) break walk;
        seen += 1;
        done += 1;
        lastIds[name] = id;
        // Text replies are cheaper than one Buffer per field; anything the text cannot settle
        // (possible damage, or a U+FFFD that may hide invalid UTF-8) is re-read as bytes.
        const cleanBytes = cleanTextBytes(fields);
        if (cleanBytes >= 0) {
          bytes += cleanBytes;
          records += 1;
          continue;
        }
        const [entry] = toRawEntries(
          await context.call((client) => client.xrangeBuffer(key, id, id)),
        );
        // Deleted since the page was read: there is nothing left to check.
        if (entry === undefined) continue;
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
  if (sampleSize === undefined && anomalies.length === 0 && !onDamaged) {
    const mark = { ...lastIds, [CLEAN_AT]: String(Date.now() / 1000) };
    await context.call((client) => client.hset(context.keys.scanState, mark)).catch(() => {});
  }
  return {
    location: context.location,
    anomalies,
    records_scanned: records,
    bytes_scanned: bytes,
    incremental: starts !== null,
    sampled: sampleSize !== undefined,
  };
}
