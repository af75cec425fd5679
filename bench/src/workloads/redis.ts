import { Redis } from "ioredis";
import { requireBackend } from "../backends.js";
import { eventLine, eventPool, recordSource } from "../records.js";
import type { BulkResult, TailResult } from "../tasks.js";

const SYSTEM_ID = "bench";

/** How the backend lays out one entry, learnt by writing one event and reading it raw. */
interface EntryLayout {
  key: string;
  /** True when the stored JSON carries the `kind` field. */
  withKind: boolean;
}

async function probeLayout(url: string, prefix: string, redis: Redis): Promise<EntryLayout> {
  const open = await requireBackend("redis");
  const backend = await open({ url, prefix, systemId: SYSTEM_ID });
  const [probe] = eventPool(1, 1);
  if (!probe) throw new Error("no probe event");
  await backend.recordEvent(probe);
  await backend.close();
  const keys = await redis.keys(`${prefix}:*`);
  for (const key of keys) {
    if ((await redis.type(key)) !== "stream") continue;
    const entries = await redis.xrange(key, "-", "+", "COUNT", 1);
    const fields = entries[0]?.[1] ?? [];
    const data = fields[fields.indexOf("data") + 1];
    if (fields.includes("data") && data?.includes(probe.event_type)) {
      return { key, withKind: data.includes('"kind"') };
    }
  }
  throw new Error(`could not find the probe event under ${prefix}:* (keys: ${keys.join(", ")})`);
}

/** Fills the events stream with `entries` events by pipelined XADD, in the backend's layout. */
export async function runRedisFill(task: {
  url: string;
  prefix: string;
  entries: number;
}): Promise<BulkResult> {
  const redis = new Redis(task.url);
  try {
    await redis.flushall();
    const layout = await probeLayout(task.url, task.prefix, redis);
    await redis.del(layout.key);
    const next = recordSource(eventPool(16_384, 5));
    const start = performance.now();
    let bytes = 0;
    for (let done = 0; done < task.entries; ) {
      const pipeline = redis.pipeline();
      const batch = Math.min(5000, task.entries - done);
      for (let i = 0; i < batch; i++) {
        const event = next();
        const data = layout.withKind ? eventLine(event) : JSON.stringify(event);
        bytes += data.length;
        pipeline.xadd(layout.key, "*", "data", data);
      }
      await pipeline.exec();
      done += batch;
    }
    const length = await redis.xlen(layout.key);
    return {
      ms: performance.now() - start,
      bytes,
      records: length,
      detail: `${layout.key}, ${layout.withKind ? "with" : "without"} kind`,
    };
  } finally {
    redis.disconnect();
  }
}

/** Times `listEvents({ limit: 100 })` on the big stream. */
export async function runRedisList(task: {
  url: string;
  prefix: string;
  calls: number;
}): Promise<TailResult> {
  const open = await requireBackend("redis");
  const t0 = performance.now();
  const backend = await open({ url: task.url, prefix: task.prefix, systemId: SYSTEM_ID });
  const t1 = performance.now();
  try {
    const first = await backend.listEvents({ limit: 100 });
    const t2 = performance.now();
    if (first.length !== 100)
      throw new Error(`listEvents returned ${first.length} records, not 100`);
    for (let i = 0; i < 10; i++) await backend.listEvents({ limit: 100 });
    const samples: number[] = [];
    for (let i = 0; i < task.calls; i++) {
      const start = performance.now();
      await backend.listEvents({ limit: 100 });
      samples.push(performance.now() - start);
    }
    return { samples, openMs: t1 - t0, firstCallMs: t2 - t1, returned: first.length };
  } finally {
    await backend.close();
  }
}

/** A full scan of the stream by the backend, or the raw baseline (XRANGE pages + JSON.parse). */
export async function runRedisScan(task: {
  url: string;
  prefix: string;
  raw: boolean;
}): Promise<BulkResult> {
  if (task.raw) {
    const redis = new Redis(task.url);
    try {
      const key = `${task.prefix}:${SYSTEM_ID}:events`;
      const start = performance.now();
      let records = 0;
      let bytes = 0;
      let cursor = "-";
      for (;;) {
        const page = await redis.xrange(key, cursor, "+", "COUNT", 1000);
        for (const [, fields] of page) {
          const data = fields[fields.indexOf("data") + 1] ?? "";
          bytes += data.length;
          const value: unknown = JSON.parse(data);
          if (typeof value === "object" && value !== null) records++;
        }
        const last = page[page.length - 1];
        if (!last || page.length < 1000) break;
        cursor = `(${last[0]}`;
      }
      return { ms: performance.now() - start, bytes, records, detail: "XRANGE COUNT 1000 pages" };
    } finally {
      redis.disconnect();
    }
  }
  const open = await requireBackend("redis");
  const backend = await open({ url: task.url, prefix: task.prefix, systemId: SYSTEM_ID });
  try {
    if (!backend.scan) throw new Error("redis backend has no scan()");
    const start = performance.now();
    const report = await backend.scan();
    return {
      ms: performance.now() - start,
      bytes: report.bytes_scanned ?? 0,
      records: report.records_scanned,
      detail: `${report.anomalies.length} anomalies, sampled: ${report.sampled}`,
    };
  } finally {
    await backend.close();
  }
}
