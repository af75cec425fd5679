import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ActorEvent } from "@papyra/core";
import { requireBackend } from "../backends.js";
import { closeFd, GroupWriter, openAppend, writePerRecord } from "../baselines/fd-writers.js";
import { eventLine, eventPool, recordSource } from "../records.js";
import type { AppendResult, AppendSubject } from "../tasks.js";

/** Something records are appended to, the same way for Papyra and for the baselines. */
interface Sink {
  write(event: ActorEvent): Promise<void>;
  /** Waits until everything handed over is written (pino buffers without promises). */
  drain(): Promise<void>;
  close(): Promise<void>;
  /** Bytes stored, where the sink can tell. */
  size(): number;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function openSink(subject: AppendSubject, dir: string, redisUrl?: string): Promise<Sink> {
  const path = join(dir, "store.ndjson");
  switch (subject) {
    case "memory":
    case "json-os":
    case "json-fsync":
    case "rotating-os":
    case "rotating-fsync":
    case "redis": {
      const backend = await (async () => {
        if (subject === "memory") return (await requireBackend("memory"))({});
        if (subject === "json-os" || subject === "json-fsync") {
          const durability = subject === "json-os" ? "os" : "fsync";
          return (await requireBackend("json"))({ path, durability });
        }
        if (subject === "rotating-os" || subject === "rotating-fsync") {
          const durability = subject === "rotating-os" ? "os" : "fsync";
          return (await requireBackend("rotating"))({
            path,
            durability,
            maxBytes: 64 * 1024 * 1024,
            maxFiles: 4,
          });
        }
        if (!redisUrl) throw new Error("redis subject needs a redis url");
        return (await requireBackend("redis"))({
          url: redisUrl,
          prefix: "bench",
          systemId: "append",
        });
      })();
      return {
        write: (event) => backend.recordEvent(event),
        drain: async () => {},
        close: () => backend.close(),
        size: () => fileSize(path),
      };
    }
    case "group-write":
    case "group-fdatasync": {
      const fd = await openAppend(path);
      const writer = new GroupWriter(fd, subject === "group-fdatasync");
      return {
        write: (event) => writer.write(eventLine(event)),
        drain: async () => {},
        close: () => closeFd(fd),
        size: () => fileSize(path),
      };
    }
    case "write-per-record":
    case "fdatasync-per-record": {
      const fd = await openAppend(path);
      const durable = subject === "fdatasync-per-record";
      return {
        write: (event) => writePerRecord(fd, eventLine(event), durable),
        drain: async () => {},
        close: () => closeFd(fd),
        size: () => fileSize(path),
      };
    }
    case "pino": {
      // The fastest ordinary pino set-up for a file: asynchronous sonic-boom, no base fields,
      // no time (the records carry their own timestamp).
      // Imported here so that the other subjects' processes (and profiles) do not load it.
      const { pino } = await import("pino");
      const destination = pino.destination({ dest: path, sync: false });
      await new Promise<void>((resolve) => destination.once("ready", () => resolve()));
      const logger = pino({ base: null, timestamp: false }, destination);
      return {
        // pino.info() is synchronous and returns nothing to await: each writer yields one
        // event-loop turn per record so that I/O proceeds, as it would in a real service.
        write: (event) => {
          logger.info(event);
          return nextTurn();
        },
        drain: () =>
          new Promise<void>((resolve, reject) =>
            destination.flush((error) => (error ? reject(error) : resolve())),
          ),
        close: async () => {
          destination.end();
          await new Promise<void>((resolve) => destination.once("close", () => resolve()));
        },
        size: () => fileSize(path),
      };
    }
    case "ioredis-xadd": {
      if (!redisUrl) throw new Error("ioredis subject needs a redis url");
      const { Redis } = await import("ioredis");
      const redis = new Redis(redisUrl, { enableAutoPipelining: true, lazyConnect: true });
      await redis.connect();
      const key = "baseline:append:events";
      return {
        write: async (event) => {
          await redis.xadd(key, "*", "data", eventLine(event));
        },
        drain: async () => {},
        close: async () => {
          await redis.quit();
        },
        size: () => 0,
      };
    }
  }
}

async function flushRedis(redisUrl: string | undefined): Promise<void> {
  if (!redisUrl) return;
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl);
  await redis.flushall();
  await redis.quit();
}

async function runOnce(
  subject: AppendSubject,
  writers: number,
  durationMs: number,
  dir: string,
  redisUrl: string | undefined,
  next: () => ActorEvent,
): Promise<{ rate: number; records: number; bytes: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (subject === "redis" || subject === "ioredis-xadd") await flushRedis(redisUrl);
  const sink = await openSink(subject, dir, redisUrl);
  let records = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await sink.write(next());
      records++;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  await sink.drain();
  const elapsed = performance.now() - start;
  const bytes = sink.size();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
  return { rate: (records * 1000) / elapsed, records, bytes };
}

/** Runs one warmup and `reps` timed repetitions; each repetition starts from an empty store. */
export async function runAppend(task: {
  subject: AppendSubject;
  writers: number;
  durationMs: number;
  reps: number;
  dir: string;
  redisUrl?: string;
}): Promise<AppendResult> {
  const next = recordSource(eventPool(8192));
  const warmupMs = Math.min(300, task.durationMs);
  await runOnce(task.subject, task.writers, warmupMs, task.dir, task.redisUrl, next);
  const samples: number[] = [];
  let records = 0;
  let bytes = 0;
  for (let rep = 0; rep < task.reps; rep++) {
    const once = await runOnce(
      task.subject,
      task.writers,
      task.durationMs,
      task.dir,
      task.redisUrl,
      next,
    );
    samples.push(once.rate);
    records += once.records;
    bytes += once.bytes;
  }
  return { samples, records, bytes };
}
