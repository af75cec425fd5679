import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type Anomaly,
  applyRetention,
  type CompactionFigures,
  type CompactOptions,
  decodeLine,
  finishListing,
  inTimeWindow,
  lineBytes,
  MaintainableBackendBase,
  type NormalizedListQuery,
  PersistenceConfigurationError,
  PersistenceDamagedError,
  PersistenceNotFoundError,
  PersistenceUnavailableError,
  parseOptions,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  recoveryReportOf,
  type ScanOptions,
  type ScanReport,
  type StoredRecordByKind,
  type StoreFailure,
} from "@papyra/core";
import { type DirectoryStoreOptions, directoryStoreOptionsSchema } from "./options.js";

const RECORD_FILE = /^\d{12}\.json$/;
const TEMP_FILE = /^\.\d{12}\.json\.tmp$/;

interface StoredEntry {
  name: string;
  kind: string;
  record: StoredRecordByKind[RecordKind] | undefined;
  timestamp: number;
  bytes: number;
}

interface FileCheck {
  name: string;
  bytes: number;
  entry?: StoredEntry;
  anomaly?: Anomaly;
  /** A complete record whose file lacks the final newline: kept by repair. */
  missingNewline?: boolean;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * A small but complete Papyra backend: each record is one file, written to a temp name and
 * renamed into place, so a crash leaves either no file or a whole one (plus at most a temp file
 * that scan reports). Listing order is the sequence number in the file name. One writer process
 * at a time (this example takes no lock).
 */
export class DirectoryStore extends MaintainableBackendBase {
  readonly retention: RetentionPolicy;
  readonly #dir: string;
  readonly #readOnly: boolean;
  #sequence: number;

  constructor(dir: string, sequence: number, retention: RetentionPolicy, readOnly: boolean) {
    super();
    this.#dir = dir;
    this.#sequence = sequence;
    this.retention = retention;
    this.#readOnly = readOnly;
  }

  /** Read-only instances refuse writes; the refusal counts as a failed write. */
  protected override writeRefusal(): Error | undefined {
    if (!this.#readOnly) return undefined;
    this.metrics.increment("write_errors");
    return new PersistenceConfigurationError(`Store ${this.#dir} was opened read-only.`);
  }

  /** One file per record, written to a temp name and renamed into place. */
  protected override writeLine(_kind: RecordKind, line: string): Promise<void> {
    this.#sequence += 1;
    const name = `${String(this.#sequence).padStart(12, "0")}.json`;
    return this.#writeAtomically(name, `${line}\n`);
  }

  /** A failed file write is PersistenceUnavailableError; other failures pass as thrown. */
  protected override storeError(error: unknown, failure: StoreFailure): unknown {
    if (failure.operation !== "record") return error;
    return new PersistenceUnavailableError(
      `Cannot write to ${this.#dir}: ${(error as Error).message}`,
      { cause: error },
    );
  }

  /** Waits for writes in flight. */
  protected override closeStore(): Promise<void> {
    return this.settleWrites();
  }

  protected override async readRecords<K extends RecordKind>(
    kind: K,
    query: NormalizedListQuery,
  ): Promise<StoredRecordByKind[K][]> {
    const kept = applyRetention(await this.#entries(), this.retention);
    const matches = kept
      .filter((e) => e.kind === kind && e.record !== undefined && inTimeWindow(e.timestamp, query))
      .map((e) => e.record as StoredRecordByKind[K]);
    return finishListing(matches, query);
  }

  protected override scanStore(options: ScanOptions): Promise<ScanReport> {
    return this.#scan(options);
  }

  protected override async recoverStore(config: RecoveryConfig): Promise<RecoveryReport> {
    const before = await this.#scan(config);
    const report = recoveryReportOf(config, before);
    if (config.mode === "ignore" || before.anomalies.length === 0) return report;
    for (const anomaly of before.anomalies) {
      if (anomaly.type === "UNEXPECTED_FILE") continue; // not ours to delete; it stays reported
      if (config.dryRun) {
        // Only this store's own record files are ever touched, so there is no foreign data
        // to refuse (`force` changes nothing); a dry run just says what would happen.
        if (anomaly.type !== "TRUNCATED_LINE") report.dropped_damaged += 1;
        report.repaired_files.push(anomaly.path);
        continue;
      }
      if (config.mode === "quarantine" && config.quarantineDir) {
        await mkdir(config.quarantineDir, { recursive: true });
        const copy = join(config.quarantineDir, `${Date.now()}-${anomaly.path.split("/").pop()}`);
        await copyFile(anomaly.path, copy);
        report.quarantined_files.push(copy);
      }
      if (anomaly.type === "TRUNCATED_LINE") {
        const text = await readFile(anomaly.path, "utf8");
        await this.#writeAtomically(anomaly.path.split("/").pop() as string, `${text}\n`);
      } else {
        await rm(anomaly.path, { force: true });
        report.dropped_damaged += 1;
      }
      report.repaired_files.push(anomaly.path);
    }
    if (!config.dryRun) report.scan_after = await this.#scan(config);
    return report;
  }

  protected override async compactStore(options: CompactOptions): Promise<CompactionFigures> {
    const dryRun = options.dryRun === true;
    const scan = await this.#scan(options);
    if (scan.anomalies.length > 0) {
      throw new PersistenceDamagedError(this.#dir, scan.anomalies.length);
    }
    const entries = await this.#entries();
    const kept = new Set(applyRetention(entries, this.retention));
    let afterBytes = 0;
    for (const entry of entries) {
      if (kept.has(entry)) afterBytes += entry.bytes;
      else if (!dryRun) await rm(join(this.#dir, entry.name), { force: true });
    }
    const beforeBytes = entries.reduce((sum, e) => sum + e.bytes, 0);
    return {
      before_records: entries.length,
      after_records: kept.size,
      removed_records: entries.length - kept.size,
      before_bytes: beforeBytes,
      after_bytes: afterBytes,
      reclaimed_bytes: beforeBytes - afterBytes,
    };
  }

  async #writeAtomically(name: string, text: string): Promise<void> {
    const temp = join(this.#dir, `.${name}.tmp`);
    await writeFile(temp, text);
    await rename(temp, join(this.#dir, name));
  }

  async #names(): Promise<string[]> {
    try {
      return (await readdir(this.#dir)).sort();
    } catch (error) {
      throw new PersistenceUnavailableError(
        `Cannot read store directory ${this.#dir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async #check(name: string): Promise<FileCheck> {
    const path = join(this.#dir, name);
    if (TEMP_FILE.test(name)) {
      const bytes = (await stat(path)).size;
      return {
        name,
        bytes,
        anomaly: { type: "PARTIAL_WRITE", path, detail: "temp file of an interrupted write" },
      };
    }
    if (!RECORD_FILE.test(name)) {
      return {
        name,
        bytes: 0,
        anomaly: { type: "UNEXPECTED_FILE", path, detail: "not a record file of this store" },
      };
    }
    const buffer = await readFile(path);
    let text: string;
    try {
      text = decoder.decode(buffer);
    } catch {
      return {
        name,
        bytes: buffer.length,
        anomaly: { type: "CORRUPTED_LINE", path, line: 1, offset: 0, detail: "not valid UTF-8" },
      };
    }
    const complete = text.endsWith("\n");
    const body = complete ? text.slice(0, -1) : text;
    const decoded = decodeLine(body);
    if (decoded.type === "record" || decoded.type === "unknown_kind") {
      const entry: StoredEntry = {
        name,
        kind: decoded.kind,
        record: decoded.type === "record" ? decoded.record : undefined,
        timestamp: decoded.timestamp,
        bytes: lineBytes(body),
      };
      if (complete) return { name, bytes: buffer.length, entry };
      return {
        name,
        bytes: buffer.length,
        entry,
        missingNewline: true,
        anomaly: {
          type: "TRUNCATED_LINE",
          path,
          line: 1,
          offset: 0,
          detail: "record file lacks its final newline",
        },
      };
    }
    const type = decoded.type === "invalid" ? "INVALID_RECORD" : "CORRUPTED_LINE";
    const detail = decoded.type === "blank" ? "empty record file" : decoded.detail;
    return { name, bytes: buffer.length, anomaly: { type, path, line: 1, offset: 0, detail } };
  }

  async #entries(): Promise<StoredEntry[]> {
    const out: StoredEntry[] = [];
    for (const name of await this.#names()) {
      if (!RECORD_FILE.test(name)) continue;
      try {
        const check = await this.#check(name);
        if (check.entry) out.push(check.entry);
      } catch (error) {
        // A file removed by a concurrent compaction is simply gone.
        if ((error as { code?: string }).code !== "ENOENT") throw error;
      }
    }
    return out;
  }

  async #scan(options: ScanOptions): Promise<ScanReport> {
    const names = await this.#names();
    const anomalies: Anomaly[] = [];
    let records = 0;
    let bytes = 0;
    for (const [index, name] of names.entries()) {
      options.signal?.throwIfAborted();
      const check = await this.#check(name);
      bytes += check.bytes;
      if (check.entry) records += 1;
      if (check.anomaly) anomalies.push(check.anomaly);
      if (index % 100 === 99)
        options.onProgress?.({
          phase: "scan",
          done: index + 1,
          total: names.length,
          unit: "records",
        });
    }
    return {
      location: this.#dir,
      anomalies,
      records_scanned: records,
      bytes_scanned: bytes,
      incremental: false,
      sampled: false,
    };
  }
}

/**
 * Opens (creating it unless read-only) a directory store. As the `BackendContext` contract
 * asks, a read-only open of a directory that does not exist is PersistenceNotFoundError and
 * creates nothing. Bad options are PersistenceConfigurationError, as in every backend.
 */
export async function openDirectoryStore(raw: DirectoryStoreOptions): Promise<DirectoryStore> {
  const options = parseOptions(directoryStoreOptionsSchema, raw, "example store options");
  const readOnly = options.readOnly === true;
  if (readOnly && !(await stat(options.dir).catch(() => null))?.isDirectory()) {
    throw new PersistenceNotFoundError(
      options.dir,
      `No example store at ${options.dir}: the directory does not exist. Check --example-dir; pass --allow-missing to treat it as "no store yet".`,
    );
  }
  try {
    if (!readOnly) await mkdir(options.dir, { recursive: true });
    const names = await readdir(options.dir);
    const sequence = names
      .filter((n) => RECORD_FILE.test(n))
      .reduce((max, n) => Math.max(max, Number(n.slice(0, 12))), 0);
    return new DirectoryStore(options.dir, sequence, options.retention ?? {}, readOnly);
  } catch (error) {
    throw new PersistenceUnavailableError(
      `Cannot open directory store ${options.dir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
