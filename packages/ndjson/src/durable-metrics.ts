import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import {
  addMetrics,
  emptyMetrics,
  METRIC_NAMES,
  type MetricsSnapshot,
  type PersistenceMetrics,
  type StoredMetrics,
} from "@papyra/core";
import { z } from "zod";
import { fsyncDirectory } from "./atomic-rewrite.js";
import { readJsonFile, writeJsonAtomic } from "./json-file.js";
import { storeFs } from "./store-fs.js";

/** The metrics sidecar's content: cumulative counters since the last reset. */
export interface MetricsFileContent extends StoredMetrics {
  /** Bumped by every reset; a writer seeing a new generation zeroes its in-process counters. */
  generation: number;
  /**
   * sha256 of a first-release sidecar already added into (or zeroed by) this one: that file is
   * ignored if it is still there, as a crash or power cut can keep it after its removal.
   */
  absorbed?: string;
}

const LOCK_WAIT_MS = 3000;
const LOCK_STALE_MS = 10_000;

const counterSchema = z.number().finite().nonnegative().catch(0);
const metricsFileSchema = z.object({
  counters: z.record(z.string(), z.unknown()).catch({}),
  since: z.number().finite().nullable().catch(null),
  generation: z.number().int().nonnegative().catch(0),
  absorbed: z.string().optional().catch(undefined),
});

/** Reads a metrics sidecar; a missing or damaged one reads as zeros, generation 0. */
export async function readMetricsFile(path: string): Promise<MetricsFileContent> {
  const raw = await readJsonFile(path);
  const parsed = metricsFileSchema.safeParse(raw ?? {});
  const content = parsed.success ? parsed.data : { counters: {}, since: null, generation: 0 };
  const counters = emptyMetrics();
  for (const name of METRIC_NAMES) counters[name] = counterSchema.parse(content.counters[name]);
  const read: MetricsFileContent = {
    counters,
    since: content.since,
    generation: content.generation,
  };
  if (content.absorbed !== undefined) read.absorbed = content.absorbed;
  return read;
}

/** sha256 (hex) of a file's bytes; null when it cannot be read. */
async function contentHash(path: string): Promise<string | null> {
  const bytes = await readFile(path).catch(() => null);
  return bytes === null ? null : createHash("sha256").update(bytes).digest("hex");
}

/** The first-release sidecar's hash when it exists and `current` has not absorbed it yet, else null. */
async function pendingLegacy(
  current: MetricsFileContent,
  legacyPath: string,
): Promise<string | null> {
  const hash = await contentHash(legacyPath);
  return hash !== null && hash !== current.absorbed ? hash : null;
}

/**
 * Adds two sidecars' contents: counters summed (each counted what the other did not), the
 * later reset time, and `into`'s generation (the one running writers watch).
 */
function mergeMetrics(into: MetricsFileContent, other: MetricsFileContent): MetricsFileContent {
  const since =
    into.since === null
      ? other.since
      : other.since === null
        ? into.since
        : Math.max(into.since, other.since);
  return {
    counters: addMetrics(into.counters, other.counters),
    since,
    generation: into.generation,
  };
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/**
 * Reads the metrics of a store that may still have a first-release sidecar (`legacyPath`)
 * beside the current one, without writing anything: when both exist their counters add up.
 */
export async function readMetricsFiles(
  path: string,
  legacyPath: string,
): Promise<MetricsFileContent> {
  const current = await readMetricsFile(path);
  if ((await pendingLegacy(current, legacyPath)) === null) return current;
  const legacy = await readMetricsFile(legacyPath);
  return (await exists(path)) ? mergeMetrics(current, legacy) : legacy;
}

/**
 * Moves a first-release metrics sidecar to its current name, losing no counter: renamed when
 * the current one does not exist yet, else added into it and removed. Its flush lock is
 * removed once stale. Runs under the current sidecar's flush lock; call it holding the
 * writer lock.
 */
export async function migrateMetricsFile(path: string, legacyPath: string): Promise<void> {
  const legacyLock = await stat(`${legacyPath}.lock`).catch(() => null);
  if (legacyLock && Date.now() - legacyLock.mtimeMs > LOCK_STALE_MS) {
    await storeFs()
      .unlink(`${legacyPath}.lock`)
      .catch(() => {});
  }
  if (!(await exists(legacyPath))) return;
  await withMetricsLock(path, async () => {
    if (!(await exists(path))) {
      await storeFs().rename(legacyPath, path);
    } else {
      // Marked as absorbed in the same atomic write that adds it in: if the removal below is
      // lost to a crash, readers still never count the first release's counters twice.
      const current = await readMetricsFile(path);
      const hash = await pendingLegacy(current, legacyPath);
      if (hash !== null) {
        const merged = mergeMetrics(current, await readMetricsFile(legacyPath));
        await writeJsonAtomic(path, { ...merged, absorbed: hash });
      }
      await storeFs().unlink(legacyPath);
    }
    await fsyncDirectory(dirname(path));
  });
}

/**
 * Runs a read-modify-write of the sidecar under `<path>.lock` (an O_EXCL file), so a writer's
 * flush and another process's reset never interleave and undo each other. A lock file older
 * than 10 s was left by a killed process and is removed. Rejects after waiting 3 s.
 */
async function withMetricsLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await storeFs().close(await storeFs().open(lockPath, "wx"));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const st = await stat(lockPath).catch(() => null);
      if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) {
        await storeFs()
          .unlink(lockPath)
          .catch(() => {});
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`metrics sidecar ${path} stays locked (${lockPath})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  try {
    return await fn();
  } finally {
    await storeFs()
      .unlink(lockPath)
      .catch(() => {});
  }
}

/**
 * Zeroes a metrics sidecar and bumps its generation, so running writers restart from zero.
 * With `legacyPath`, a first-release sidecar there is zeroed too (removed, its generation
 * taken into account), so its counters do not come back.
 */
export async function resetMetricsFile(
  path: string,
  now: number = Date.now() / 1000,
  legacyPath?: string,
): Promise<void> {
  await withMetricsLock(path, async () => {
    const current = await readMetricsFile(path);
    const hash = legacyPath !== undefined ? await pendingLegacy(current, legacyPath) : null;
    const legacy =
      hash !== null && legacyPath !== undefined ? await readMetricsFile(legacyPath) : null;
    await writeJsonAtomic(path, {
      counters: emptyMetrics(),
      since: now,
      generation: Math.max(current.generation, legacy?.generation ?? 0) + 1,
      // A first-release sidecar whose removal a crash undoes stays zeroed.
      absorbed: hash ?? current.absorbed,
    });
    if (legacy && legacyPath !== undefined)
      await storeFs()
        .unlink(legacyPath)
        .catch(() => {});
  });
}

/** Options of {@link DurableMetrics}. */
export interface DurableMetricsOptions {
  /** How often to flush while counters moved. Default 1000 ms. */
  intervalMs?: number;
  /**
   * Set for a read-only instance: it creates no sidecar beside data in which it found only
   * damage (a file that is not a store), see {@link seenAStore}.
   */
  readOnly?: boolean;
  /** For a read-only instance: true once its scans found a record (the data is a store). */
  foundRecords?: () => boolean;
}

/**
 * Whether counts may create a missing sidecar for a read-only instance: records were read, or
 * nothing damaged was seen. A scan or listing of a text file (only damage, no record) leaves no
 * dot-file beside it.
 */
export function seenAStore(delta: MetricsSnapshot): boolean {
  return delta.records_read > 0 || (delta.anomaly_detected === 0 && delta.read_errors === 0);
}

/**
 * Keeps a store's cumulative counters in a sidecar file, off the write path: a timer adds the
 * in-process {@link PersistenceMetrics.takeDelta} to the file about once a second when counters
 * moved, and {@link close} flushes the rest. When the file's generation changed (a reset by
 * another process), the in-process counters are zeroed and counting restarts from zero. A
 * metrics failure never fails a storage operation: flush errors are swallowed.
 */
export class DurableMetrics {
  readonly path: string;
  readonly #metrics: PersistenceMetrics;
  readonly #intervalMs: number;
  readonly #readOnly: boolean;
  readonly #foundRecords: () => boolean;
  #timer: NodeJS.Timeout | null = null;
  #holds = 0;
  #generation: number | null = null;
  #flushing: Promise<void> | null = null;

  constructor(path: string, metrics: PersistenceMetrics, options: DurableMetricsOptions = {}) {
    this.path = path;
    this.#metrics = metrics;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#readOnly = options.readOnly ?? false;
    this.#foundRecords = options.foundRecords ?? (() => false);
  }

  /** Reads the current generation and starts the periodic flush (the timer never keeps the process alive). */
  async start(): Promise<void> {
    this.#generation = (await readMetricsFile(this.path).catch(() => null))?.generation ?? 0;
    this.#timer = setInterval(() => {
      if (this.#holds === 0) void this.flush();
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Adds pending counts to the file now, or adopts a reset made elsewhere. Never rejects. */
  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    this.#flushing = this.#flushOnce()
      .catch(() => {})
      .finally(() => {
        this.#flushing = null;
      });
    return this.#flushing;
  }

  /**
   * Flushes, then reads the stored counters of every process since the last reset (a
   * first-release sidecar at `legacyPath` added in, without writing it).
   */
  async readStored(legacyPath: string): Promise<StoredMetrics> {
    await this.flush();
    const content = await readMetricsFiles(this.path, legacyPath);
    return { counters: content.counters, since: content.since };
  }

  /** Zeroes the stored counters (and a first-release sidecar's); running writers restart from zero. */
  async resetStored(legacyPath: string): Promise<void> {
    await resetMetricsFile(this.path, undefined, legacyPath);
    await this.flush();
  }

  /**
   * Holds back the timed flush until the returned function is called (an operation whose
   * counts may still be dropped, see {@link discardPending}). Explicit flushes still run.
   */
  hold(): () => void {
    this.#holds += 1;
    let released = false;
    return () => {
      if (!released) this.#holds -= 1;
      released = true;
    };
  }

  /** Drops the counts not flushed yet (they stay in the in-process counters). */
  discardPending(): void {
    this.#metrics.takeDelta();
  }

  /** Stops the timer and flushes what is pending. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }

  async #flushOnce(): Promise<void> {
    if (this.#generation !== null && !this.#metrics.dirty) {
      // Nothing to add: only look whether a reset happened elsewhere (reading needs no lock).
      this.#adopt((await readMetricsFile(this.path)).generation);
      return;
    }
    await withMetricsLock(this.path, async () => {
      const current = await readMetricsFile(this.path);
      if (this.#adopt(current.generation)) return;
      if (!this.#metrics.dirty) return;
      const delta: MetricsSnapshot = this.#metrics.takeDelta();
      if (this.#readOnly && !this.#mayCreate(delta) && !(await exists(this.path))) return;
      await writeJsonAtomic(this.path, {
        counters: addMetrics(current.counters, delta),
        since: current.since,
        generation: current.generation,
        absorbed: current.absorbed,
      });
    });
  }

  #mayCreate(delta: MetricsSnapshot): boolean {
    return this.#foundRecords() || seenAStore(delta);
  }

  /** Adopts a reset made elsewhere: counting restarts from zero. True when one happened. */
  #adopt(generation: number): boolean {
    const reset = this.#generation !== null && generation !== this.#generation;
    this.#generation = generation;
    if (reset) this.#metrics.reset();
    return reset;
  }
}
