import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  type Anomaly,
  type CompactionReport,
  type CompactOptions,
  type FollowOptions,
  hasRetentionRules,
  type IterateQuery,
  type NormalizedListQuery,
  parseOptions,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  RetentionPlanner,
  type ScanOptions,
  type ScanReport,
  type StoredRecordByKind,
  type StreamedRecord,
} from "@papyra/core";
import {
  checkpointMatches,
  compactFile,
  FileSink,
  FileStore,
  findTempFiles,
  followFiles,
  fsyncDirectory,
  iterateStoreFiles,
  listFromTail,
  makeCheckpoint,
  readCheckpoint,
  repairFile,
  type ScanEffects,
  scanFile,
  scanFileTail,
  sealTornTail,
  storeFs,
  writeCheckpoint,
} from "@papyra/ndjson";
import type { AppendFs } from "@papyra/ndjson/testing";
import { type JsonStoreOptions, jsonStoreOptionsSchema } from "./options.js";

/** Test hooks: inject fs calls of the append path (fault injection, syscall counting). */
export interface JsonStoreInternals {
  appendFs?: AppendFs;
}

function emptyScan(location: string, incremental = false): ScanReport {
  return {
    location,
    anomalies: [],
    records_scanned: 0,
    bytes_scanned: 0,
    incremental,
    sampled: false,
  };
}

/**
 * A Papyra store in one NDJSON file. Open it with {@link openJsonStore}. A writing instance
 * holds the store's writer lock until `close()`. The lock, the writer, `record*` / `list*`,
 * durable metrics and maintenance exclusivity come from `FileStore` of @papyra/ndjson.
 */
export class JsonFileBackend extends FileStore {
  /** Opens a store; see {@link openJsonStore}. */
  static async open(
    raw: JsonStoreOptions,
    internals: JsonStoreInternals = {},
  ): Promise<JsonFileBackend> {
    const options = parseOptions(jsonStoreOptionsSchema, raw, "JSON store options");
    const path = resolve(options.path);
    const store = new JsonFileBackend({
      path,
      label: "JSON store",
      durability: options.durability ?? "os",
      readOnly: options.readOnly ?? false,
      retention: options.retention ?? {},
      maxLineBytes: options.maxLineBytes,
    });
    await store.start(async () => {
      const existed = (await stat(path).catch(() => null)) !== null;
      const sink = await FileSink.open(path, { fs: internals.appendFs });
      // A new file's directory entry must reach the disk too, or an fsynced record could
      // vanish with its file after a power loss.
      if (!existed) await fsyncDirectory(dirname(path));
      await sealTornTail(sink.file);
      // We hold the lock: temp files left by a rewrite that crashed are garbage.
      for (const temp of await findTempFiles(path))
        await storeFs()
          .unlink(temp)
          .catch(() => {});
      return sink;
    });
    return store;
  }

  protected readRecords<K extends RecordKind>(
    kind: K,
    query: NormalizedListQuery,
  ): Promise<StoredRecordByKind[K][]> {
    return listFromTail([this.path], kind, query, {
      retention: this.retention,
      maxLineBytes: this.maxLineBytes,
    });
  }

  /** Streams the store's records oldest first in bounded memory, within retention. */
  iterate(query?: IterateQuery): AsyncGenerator<StreamedRecord> {
    const options = { retention: this.retention, maxLineBytes: this.maxLineBytes };
    return this.streamRecords("iterate", () => iterateStoreFiles([this.path], query, options));
  }

  /** The stored backlog of `kind`, then each record appended, until `options.signal` aborts. */
  follow<K extends RecordKind>(
    kind: K,
    options: FollowOptions<K> & {
      /** How often to check for appends (default 100 ms). */ pollMs?: number;
    },
  ): AsyncGenerator<StoredRecordByKind[K]> {
    const files = { path: this.path, retention: this.retention, maxLineBytes: this.maxLineBytes };
    return this.streamRecords("follow", () => followFiles(kind, { ...options, ...files }));
  }

  /**
   * Checks the file for damage without changing it. With `incremental`, only what follows the
   * last clean full scan is read, when the file is still the same one (identity and a hash of
   * the bytes before that point); otherwise everything is.
   */
  protected async scanFiles(options: ScanOptions, effects: ScanEffects): Promise<ScanReport> {
    options.signal?.throwIfAborted();
    // In the writing process, stop where the writer's last complete batch ends (no torn read).
    const endOffset = this.inProcessWriterEnd();
    const leftovers: Anomaly[] = (await findTempFiles(this.path)).map((temp) => ({
      type: "UNEXPECTED_FILE",
      path: temp,
      detail: "temp file left by an interrupted compaction or recovery; recovery removes it",
    }));
    const exists = await stat(this.path).catch(() => null);
    if (!exists) return { ...emptyScan(this.path), anomalies: leftovers };
    if (options.sampleSize !== undefined) {
      const sample = await scanFileTail(this.path, Math.max(0, Math.floor(options.sampleSize)), {
        endOffset,
        maxLineBytes: this.maxLineBytes,
        signal: options.signal,
      });
      return {
        location: this.path,
        anomalies: [...sample.anomalies, ...leftovers],
        records_scanned: sample.records,
        bytes_scanned: sample.bytesScanned,
        incremental: false,
        sampled: true,
      };
    }
    let start = { offset: 0, line: 1, records: 0 };
    let incremental = false;
    if (options.incremental) {
      const checkpoint =
        (await readCheckpoint(this.sidecars.checkpoint)) ??
        (await readCheckpoint(this.legacySidecars.checkpoint));
      if (checkpoint && (await checkpointMatches(this.path, checkpoint))) {
        start = {
          offset: checkpoint.offset,
          line: checkpoint.nextLine,
          records: checkpoint.records,
        };
        incremental = true;
      }
    }
    const result = await scanFile(this.path, {
      startOffset: start.offset,
      startLine: start.line,
      endOffset,
      maxLineBytes: this.maxLineBytes,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const anomalies = [...result.anomalies, ...leftovers];
    if (result.anomalyCount === 0 && effects.writeCheckpoint) {
      // Remember where this clean scan ended, so the next startup check can start there.
      const checkpoint = await makeCheckpoint(
        this.path,
        result.endOffset,
        result.nextLine,
        start.records + result.records,
      ).catch(() => null);
      if (checkpoint) await writeCheckpoint(this.sidecars.checkpoint, checkpoint).catch(() => {});
    }
    return {
      location: this.path,
      anomalies,
      records_scanned: start.records + result.records,
      bytes_scanned: result.bytesScanned,
      incremental,
      sampled: false,
    };
  }

  /**
   * `repair` rewrites the file keeping every valid record (in order, byte for byte) that
   * retention keeps, then deletes temp files of interrupted rewrites; `quarantine` first copies
   * the damaged original into `quarantineDir`. A file that does not look like a store is
   * refused, untouched, unless `force`; a dry run fills the report and changes nothing.
   */
  protected async repairFiles(report: RecoveryReport, config: RecoveryConfig): Promise<void> {
    const exists = await stat(this.path).catch(() => null);
    if (exists) {
      const planner = await this.#plan(config.signal);
      const result = await repairFile(this.path, {
        keep: planner ? (info) => planner.keep(info) : undefined,
        quarantineDir: config.mode === "quarantine" ? config.quarantineDir : undefined,
        force: config.force,
        dryRun: config.dryRun,
        maxLineBytes: this.maxLineBytes,
        signal: config.signal,
        onProgress: config.onProgress,
      });
      if (result.changed) report.repaired_files.push(this.path);
      if (result.quarantinedTo) report.quarantined_files.push(result.quarantinedTo);
      report.dropped_damaged = result.droppedDamaged;
      report.dropped_by_retention = result.droppedByRetention;
    }
    if (config.dryRun) return;
    for (const temp of await findTempFiles(this.path))
      await storeFs()
        .unlink(temp)
        .catch(() => {});
  }

  /** Two passes over the file (`compactFile` of @papyra/ndjson): plan retention, then rewrite. */
  protected async compactFiles(options: CompactOptions): Promise<CompactionReport> {
    const exists = await stat(this.path).catch(() => null);
    const result = exists
      ? await compactFile(this.path, this.retention, {
          force: options.force,
          dryRun: options.dryRun,
          maxLineBytes: this.maxLineBytes,
          signal: options.signal,
          onProgress: options.onProgress,
        })
      : { beforeRecords: 0, afterRecords: 0, removedRecords: 0, beforeBytes: 0, afterBytes: 0 };
    return {
      before_records: result.beforeRecords,
      after_records: result.afterRecords,
      removed_records: result.removedRecords,
      before_bytes: result.beforeBytes,
      after_bytes: result.afterBytes,
      reclaimed_bytes: result.beforeBytes - result.afterBytes,
    };
  }

  /** Retention pass one for recovery; null when there is no policy. Damaged lines are skipped. */
  async #plan(signal: AbortSignal | undefined): Promise<RetentionPlanner | null> {
    if (!hasRetentionRules(this.retention)) return null;
    const planner = new RetentionPlanner(this.retention);
    await scanFile(this.path, {
      maxLineBytes: this.maxLineBytes,
      signal,
      onRecord: (info) => planner.observe(info),
    });
    return planner;
  }
}

/**
 * Opens a JSON file store. Writers take the store's writer lock (PersistenceLockedError naming
 * the holder when another writer has it) and create the file if missing; a missing directory
 * is a PersistenceUnavailableError. With `readOnly`, no lock is taken and `record*` reject.
 */
export function openJsonStore(options: JsonStoreOptions): Promise<JsonFileBackend> {
  return JsonFileBackend.open(options);
}
