import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import {
  ErrorCode,
  hasErrorCode,
  type PersistenceMetrics,
  PersistenceNotFoundError,
  PersistenceUnavailableError,
  type RetentionPolicy,
} from "@papyra/core";
import type { DurableMetrics } from "./durable-metrics.js";
import { type BatchSink, type Durability, GroupCommitWriter } from "./group-commit.js";
import { migrateLegacySidecars } from "./legacy-sidecars.js";
import { acquireStoreLock, assertNoLiveWriter } from "./store-lock.js";
import type { WriterLock } from "./writer-lock.js";

/** The sink of a `FileStore`: a {@link BatchSink} that knows its size and can reopen. */
export interface StoreSink extends BatchSink {
  /** Where the last complete batch ends in the file being appended to; undefined while none is open. */
  readonly activeSize: number | undefined;
  /** Reopens the file(s) by path, after a rewrite may have replaced them. */
  reopen(): Promise<void>;
}

/** What a `FileStore` is told by its backend. */
export interface FileStoreSettings {
  /** Absolute path of the store's (active) NDJSON file; sidecars live beside it. */
  path: string;
  /** Names the store in messages, e.g. `"JSON store"`. */
  label: string;
  durability: Durability;
  readOnly: boolean;
  retention: RetentionPolicy;
  /** Largest line (without its newline) reads accept. Default `DEFAULT_MAX_LINE_BYTES`. */
  maxLineBytes?: number;
}

/** What a scan may leave behind besides its report. */
export interface ScanEffects {
  /** Store where a clean scan ended (the incremental-scan checkpoint). False in dry runs. */
  writeCheckpoint: boolean;
}

/** A writing store's lock, sink and writer. */
export interface Writing {
  lock: WriterLock;
  sink: StoreSink;
  writer: GroupCommitWriter;
}

/** Writers open in this process, by path: other instances' maintenance pauses them instead of failing on the lock. */
export const writersInProcess: Map<string, Writing> = new Map<string, Writing>();

/**
 * Opens a store for writing: takes the writer lock (honouring a first-release lock), migrates
 * first-release sidecars, calls `openSink` under the lock (where a backend may also clean up
 * after a crash) and starts the group-commit writer. Any failure releases the lock and is a
 * PersistenceUnavailableError.
 */
export async function openWriting(
  settings: Pick<FileStoreSettings, "path" | "label" | "durability">,
  metrics: PersistenceMetrics,
  openSink: () => Promise<StoreSink>,
): Promise<Writing> {
  const { path, label, durability } = settings;
  const lock = await acquireStoreLock(path, path);
  try {
    // Best effort: a sidecar left under its old name is still read, and migrated next time.
    await migrateLegacySidecars(path).catch(() => {});
    const sink = await openSink();
    return { lock, sink, writer: new GroupCommitWriter(sink, { durability, metrics }) };
  } catch (error) {
    await lock.release();
    throw hasErrorCode(error, ErrorCode.unavailable)
      ? error
      : new PersistenceUnavailableError(
          `Cannot open ${label} ${path}: ${(error as Error).message}`,
          { cause: error },
        );
  }
}

/** "No store here", naming the location, why, and what to do. */
export function storeNotFound(label: string, path: string, why: string): PersistenceNotFoundError {
  return new PersistenceNotFoundError(
    path,
    `No ${label} at ${path}: ${why}. Check the path (--path or the backend options); opening it for writing creates the store. To treat a missing store as "no store yet", pass --allow-missing (allowMissing: true).`,
  );
}

/**
 * Checks where a store is opened: its directory must exist (for a read-only open, a missing
 * directory is "no store": PersistenceNotFoundError), the path must not be something other
 * than a file, and a read-only open needs a store there (`storeExists`). Creates nothing.
 */
export async function checkStoreLocation(
  settings: Pick<FileStoreSettings, "path" | "label" | "readOnly">,
  storeExists: () => Promise<boolean>,
): Promise<void> {
  const { path, label, readOnly } = settings;
  const dir = dirname(path);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) {
    if (readOnly) throw storeNotFound(label, path, `its directory ${dir} does not exist`);
    throw new PersistenceUnavailableError(
      `Cannot open ${label} ${path}: directory ${dir} does not exist. Create it first.`,
    );
  }
  const file = await stat(path).catch(() => null);
  if (file && !file.isFile()) {
    throw new PersistenceUnavailableError(
      `Cannot open ${label} ${path}: it is not a regular file.`,
    );
  }
  if (readOnly && !(await storeExists())) throw storeNotFound(label, path, "it does not exist");
}

/**
 * Runs a store's maintenance (scan-then-rewrite operations) exclusively: with this process's
 * writer paused when it writes the store, else under the writer lock, one at a time. The
 * writer reopens its file afterwards, as a rewrite may have replaced it. A dry run outside the
 * writing process takes no lock (it only reads; taking one could change files, e.g. remove a
 * stale lock) but fails like the real operation would when a live writer holds the store.
 */
export class MaintenanceGate {
  readonly #path: string;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  run<T>(writing: Writing | undefined, dryRun: boolean, fn: () => Promise<T>): Promise<T> {
    if (writing) {
      return writing.writer.runExclusive(async () => {
        try {
          return await fn();
        } finally {
          // If this fails, the writer still reopens by path before its next write (AppendFile's link check).
          if (!dryRun) await writing.sink.reopen().catch(() => {});
        }
      });
    }
    if (dryRun) return assertNoLiveWriter(this.#path, this.#path).then(fn);
    const run = this.#chain
      .catch(() => {})
      .then(async () => {
        const lock = await acquireStoreLock(this.#path, this.#path);
        try {
          return await fn();
        } finally {
          await lock.release();
        }
      });
    this.#chain = run;
    return run;
  }
}

/**
 * Runs one maintenance operation with the durable metrics held (no timed flush meanwhile).
 * When a read-only instance's operation is refused because the data is not a store, its
 * counts are dropped rather than written to a new sidecar: a refusal leaves every file beside
 * the data as it was.
 */
export async function holdingMetrics<T>(
  durable: DurableMetrics,
  readOnly: boolean,
  fn: () => Promise<T>,
): Promise<T> {
  const release = durable.hold();
  try {
    return await fn();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (readOnly && code === ErrorCode.notAStore) durable.discardPending();
    throw error;
  } finally {
    release();
  }
}
