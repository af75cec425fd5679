import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type {
  CompactionReport,
  CompactOptions,
  FollowOptions,
  IterateQuery,
  NormalizedListQuery,
  RecordKind,
  RecoveryConfig,
  RecoveryReport,
  ScanOptions,
  ScanReport,
  StoredRecordByKind,
  StreamedRecord,
} from "@papyra/core";
import {
  FileStore,
  followFiles,
  listFromTail,
  quarantineCopy,
  quarantineTarget,
  refuseNonStore,
  repairFile,
  type ScanEffects,
  scanFile,
  storeFs,
} from "@papyra/ndjson";
import type { AppendFs } from "@papyra/ndjson/testing";
import { compactSet } from "./compact-set.js";
import { isMissing } from "./errors.js";
import {
  type ResolvedRotatingOptions,
  type RotatingStoreOptions,
  resolveOptions,
} from "./options.js";
import { RotatingSink } from "./rotating-sink.js";
import { scanSet } from "./scan-set.js";
import { isSegmentTempFile, SegmentSet } from "./segments.js";
import { iterateSet } from "./stream-set.js";

/** Test hooks: inject the fd-level calls of the append path (fault injection). */
export interface RotatingStoreInternals {
  appendFs?: AppendFs;
}

/** A listing is retried when a rotation moved files under it, at most this many times. */
const MAX_LIST_ATTEMPTS = 5;

/**
 * A Papyra store in size-rotated NDJSON segments: `path` (active), `path.1` (newest rotated) …
 * `path.(maxFiles-1)` (oldest). Open it with {@link openRotatingStore}. A writing instance holds
 * the store's writer lock until `close()`. The lock, the writer, `record*` / `list*`, durable
 * metrics and maintenance exclusivity come from `FileStore` of @papyra/ndjson.
 */
export class RotatingFileBackend extends FileStore {
  /** Size limit of one segment. */
  readonly maxBytes: number;
  /** Files in the set, the active one included. */
  readonly maxFiles: number;
  readonly #set: SegmentSet;

  private constructor(options: ResolvedRotatingOptions) {
    super({ ...options, label: "rotating store" });
    this.maxBytes = options.maxBytes;
    this.maxFiles = options.maxFiles;
    this.#set = new SegmentSet(this.path, this.maxFiles);
  }

  /** Opens a store; see {@link openRotatingStore}. */
  static async open(
    raw: RotatingStoreOptions,
    internals: RotatingStoreInternals = {},
  ): Promise<RotatingFileBackend> {
    const resolved = resolveOptions(raw);
    const store = new RotatingFileBackend({ ...resolved, path: resolve(resolved.path) });
    await store.start(async () => {
      // We hold the lock: temp files of a rewrite that crashed are garbage.
      await store.#removeSegmentTempFiles();
      return RotatingSink.open(store.#set, { maxBytes: store.maxBytes, fs: internals.appendFs });
    });
    return store;
  }

  /** Segments present now, newest first, and their identities (index, device, inode). */
  async #snapshot(): Promise<{ paths: string[]; identity: string }> {
    const { segments } = await this.#set.listDirectory();
    const newestFirst = segments.reverse();
    const parts = await Promise.all(
      newestFirst.map(async (s) => {
        const st = await stat(s.path).catch(() => null);
        return st ? `${s.index}:${st.dev}:${st.ino}` : `${s.index}:-`;
      }),
    );
    return { paths: newestFirst.map((s) => s.path), identity: parts.join(",") };
  }

  /** Reads the segments newest first; retried when a rotation moved files under the read. */
  protected async readRecords<K extends RecordKind>(
    kind: K,
    query: NormalizedListQuery,
  ): Promise<StoredRecordByKind[K][]> {
    const options = { retention: this.retention, maxLineBytes: this.maxLineBytes };
    for (let attempt = 1; attempt <= MAX_LIST_ATTEMPTS; attempt++) {
      const before = await this.#snapshot();
      const result = await listFromTail(before.paths, kind, query, options);
      // A rotation renames segments: a read racing one may see a segment twice or miss one.
      if ((await this.#snapshot()).identity === before.identity) return result;
    }
    // Still racing rotations: in the writing process, read once with writes paused.
    return this.withWritesPaused(async () =>
      listFromTail((await this.#snapshot()).paths, kind, query, options),
    );
  }

  /** Streams the set's records oldest first in bounded memory, within retention. */
  iterate(query?: IterateQuery): AsyncGenerator<StreamedRecord> {
    const options = { retention: this.retention, maxLineBytes: this.maxLineBytes };
    return this.streamRecords("iterate", () => iterateSet(this.#set, query, options));
  }

  /** The stored backlog of `kind`, then each record appended (across rotations) until aborted. */
  follow<K extends RecordKind>(
    kind: K,
    options: FollowOptions<K> & {
      /** How often to check for appends (default 100 ms). */ pollMs?: number;
    },
  ): AsyncGenerator<StoredRecordByKind[K]> {
    const { path, maxFiles, retention, maxLineBytes } = this;
    const follow = followFiles(kind, { ...options, path, maxFiles, retention, maxLineBytes });
    return this.streamRecords("follow", () => follow);
  }

  /**
   * Checks every segment for damage without changing anything, and the directory for orphaned
   * rotated files (`path.N`, N >= maxFiles) and leftovers in the set's name space (temp files
   * of interrupted rewrites). With `incremental`, each segment is read only from where the last
   * clean scan ended, when it is still the same file with the same bytes before that point.
   */
  protected scanFiles(options: ScanOptions, effects: ScanEffects): Promise<ScanReport> {
    return scanSet(
      {
        set: this.#set,
        checkpointPath: this.sidecars.checkpoint,
        legacyCheckpointPath: this.legacySidecars.checkpoint,
        writeCheckpoint: effects.writeCheckpoint,
        activeEnd: () => this.inProcessWriterEnd(),
      },
      options,
    );
  }

  /** A store exists when its active segment or any rotated segment (orphans included) does. */
  protected override async storeExists(): Promise<boolean> {
    const { segments, orphans } = await this.#set.listDirectory();
    return segments.length > 0 || orphans.length > 0;
  }

  /**
   * `repair` rewrites each damaged segment keeping every valid record in order, byte for byte,
   * and deletes temp files of interrupted rewrites (never an orphaned segment or a foreign
   * file); `quarantine` also copies each damaged segment into `quarantineDir` first, and moves
   * orphaned segments and other leftovers there. Every damaged segment is judged before any
   * is touched: one that does not look like a store refuses the whole recovery unless `force`.
   * A dry run fills the report and changes nothing.
   */
  protected async repairFiles(report: RecoveryReport, config: RecoveryConfig): Promise<void> {
    const quarantineDir = config.mode === "quarantine" ? config.quarantineDir : undefined;
    const dryRun = config.dryRun === true;
    const isStray = (type: string) =>
      type === "ORPHANED_ROTATED_FILE" || type === "UNEXPECTED_FILE";
    const damagedPaths = new Set(
      report.scan_before.anomalies.filter((a) => !isStray(a.type)).map((a) => a.path),
    );
    const damaged = (await this.#set.listDirectory()).segments.filter((s) =>
      damagedPaths.has(s.path),
    );
    if (!config.force) {
      for (const { path } of damaged) {
        const scan = await scanFile(path, { maxAnomalies: 0, signal: config.signal });
        refuseNonStore(path, scan.shape, quarantineDir === undefined ? "repair" : "quarantine");
      }
    }
    for (const { path } of damaged) {
      const result = await repairFile(path, {
        quarantineDir,
        force: config.force,
        dryRun,
        signal: config.signal,
        onProgress: config.onProgress,
      });
      if (result.changed) report.repaired_files.push(path);
      if (result.quarantinedTo) report.quarantined_files.push(result.quarantinedTo);
      report.dropped_damaged += result.droppedDamaged;
    }
    // Files beside the segments: quarantine moves every one aside; repair deletes only
    // temp files of our own interrupted rewrites. An orphaned segment holds valid records
    // (often it means maxFiles is set lower than the store was written with) and any other
    // file may be someone's, so repair never deletes them.
    const stray = report.scan_before.anomalies
      .filter((a) => isStray(a.type))
      .map((a) => a.path)
      .filter((path) => quarantineDir !== undefined || isSegmentTempFile(this.#set, path));
    for (const path of stray) {
      if (dryRun) {
        if (quarantineDir !== undefined) {
          report.quarantined_files.push(quarantineTarget(path, quarantineDir, "<time>-<random>"));
        }
        report.repaired_files.push(path);
        continue;
      }
      try {
        if (quarantineDir !== undefined) {
          report.quarantined_files.push(await quarantineCopy(path, quarantineDir));
        }
        await storeFs().unlink(path);
        report.repaired_files.push(path);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }

  /**
   * Retention is planned across the whole set (pass one reads every segment, oldest first);
   * pass two rewrites segment by segment, each atomically, so a crash at any point leaves
   * every segment either old or new.
   */
  protected compactFiles(options: CompactOptions): Promise<CompactionReport> {
    return compactSet(this.#set, this.retention, options);
  }

  /** Deletes temp files of interrupted rewrites of any segment (either naming). Only under the writer lock. */
  async #removeSegmentTempFiles(): Promise<void> {
    for (const path of (await this.#set.listDirectory()).unexpected) {
      if (isSegmentTempFile(this.#set, path))
        await storeFs()
          .unlink(path)
          .catch(() => {});
    }
  }
}

/**
 * Opens a rotating file store. Options are validated (PersistenceConfigurationError naming each
 * bad field). Writers take the store's writer lock (PersistenceLockedError naming the holder
 * when another writer has it) and create the active segment if missing; a missing directory is
 * a PersistenceUnavailableError. With `readOnly`, no lock is taken and `record*` reject.
 */
export function openRotatingStore(options: RotatingStoreOptions): Promise<RotatingFileBackend> {
  return RotatingFileBackend.open(options);
}
