import { copyFile, mkdir, open, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import {
  type Anomaly,
  type DecodedLine,
  hasRetentionRules,
  PersistenceDamagedError,
  PersistenceValidationError,
  type Progress,
  RECORD_KINDS,
  type RetentionItem,
  RetentionPlanner,
  type RetentionPolicy,
} from "@papyra/core";
import { atomicRewrite, fsyncDirectory } from "./atomic-rewrite.js";
import { decodeLineBytes } from "./decode.js";
import { forEachLine, type LineView } from "./line-chunks.js";
import { type RawLine, readLinesBackward } from "./read-lines.js";

/** A valid stored record (known or unknown kind) as the file operations see it. */
export interface StoredRecordInfo extends RetentionItem {
  kind: string;
  timestamp: number;
  /** Size of the stored line, newline included. */
  bytes: number;
  line: number;
  offset: number;
}

/** Options of {@link scanFile}. */
export interface FileScanOptions {
  /** Start here (the start of a line), e.g. an incremental checkpoint. Default 0. */
  startOffset?: number;
  /** Line number at `startOffset`. Default 1. */
  startLine?: number;
  /** Stop here. Default: the size when the scan starts (later appends are not scanned). */
  endOffset?: number;
  maxLineBytes?: number;
  /** Keep at most this many anomalies in the result (all are counted). Default 10 000. */
  maxAnomalies?: number;
  /** Called for every valid record (known or unknown kind), oldest first. */
  onRecord?: (record: StoredRecordInfo) => void;
  /** Called for every blank line (in file order with `onRecord`). */
  onBlank?: () => void;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** What {@link scanFile} found in one file. */
export interface FileScanResult {
  path: string;
  anomalies: Anomaly[];
  /** All anomalies found, including any beyond `maxAnomalies`. */
  anomalyCount: number;
  /** Valid records, unknown kinds included. */
  records: number;
  /** Bytes read by this scan. */
  bytesScanned: number;
  /** Offset where the scan stopped (the file size it saw). */
  endOffset: number;
  /** Line number the next line after `endOffset` would have. */
  nextLine: number;
}

/** The anomaly of one line, or null when it is fine (a record, an unknown kind, a blank line). */
export function lineAnomaly(path: string, raw: RawLine, decoded: DecodedLine): Anomaly | null {
  const where = { path, ...(raw.line > 0 ? { line: raw.line } : {}), offset: raw.offset };
  if (!raw.terminated) {
    const complete = decoded.type === "record" || decoded.type === "unknown_kind";
    return {
      type: "TRUNCATED_LINE",
      ...where,
      detail: complete
        ? "last line has no newline but holds a complete record; repair keeps it and adds the newline"
        : `last line is incomplete (${raw.length} bytes, no newline); repair drops it`,
    };
  }
  if (raw.bytes === null) {
    return {
      type: "CORRUPTED_LINE",
      ...where,
      detail: `line of ${raw.length} bytes exceeds the line size limit`,
    };
  }
  if (decoded.type === "corrupt")
    return { type: "CORRUPTED_LINE", ...where, detail: decoded.detail };
  if (decoded.type === "invalid")
    return { type: "INVALID_RECORD", ...where, detail: decoded.detail };
  return null;
}

function recordInfo(raw: RawLine, decoded: DecodedLine): StoredRecordInfo | null {
  if (decoded.type !== "record" && decoded.type !== "unknown_kind") return null;
  return {
    kind: decoded.kind,
    timestamp: decoded.timestamp,
    bytes: raw.length + 1,
    line: raw.line,
    offset: raw.offset,
  };
}

function progressEvery(
  phase: Progress["phase"],
  total: number,
  onProgress?: (p: Progress) => void,
) {
  let last = 0;
  return (done: number, force = false) => {
    if (!onProgress || (!force && done - last < 4 * 1024 * 1024)) return;
    last = done;
    try {
      onProgress({ phase, done, total, unit: "bytes" });
    } catch {
      // progress callbacks must not break the operation
    }
  };
}

/**
 * Scans one NDJSON file without changing it, with memory bounded by the line size limit.
 * Never throws on bad data; rejects only when the file cannot be read (ENOENT included).
 */
export async function scanFile(
  path: string,
  options: FileScanOptions = {},
): Promise<FileScanResult> {
  const start = options.startOffset ?? 0;
  const end = options.endOffset ?? (await stat(path)).size;
  const maxAnomalies = options.maxAnomalies ?? 10_000;
  const report = progressEvery("scan", end, options.onProgress);
  const result: FileScanResult = {
    path,
    anomalies: [],
    anomalyCount: 0,
    records: 0,
    bytesScanned: 0,
    endOffset: end,
    nextLine: options.startLine ?? 1,
  };
  await forEachLine(
    path,
    {
      startOffset: start,
      startLine: options.startLine ?? 1,
      endOffset: end,
      maxLineBytes: options.maxLineBytes,
      signal: options.signal,
    },
    (view) => {
      const decoded = view.decode();
      if (!view.terminated || (decoded.type !== "record" && decoded.type !== "blank")) {
        noteAnomaly(result, lineAnomaly(path, rawOf(view), decoded), maxAnomalies);
      }
      if (decoded.type === "record" || decoded.type === "unknown_kind") {
        result.records += 1;
        options.onRecord?.({
          kind: decoded.kind,
          timestamp: decoded.timestamp,
          bytes: view.length + 1,
          line: view.line,
          offset: view.offset,
        });
      } else if (decoded.type === "blank") options.onBlank?.();
      result.nextLine = view.line + (view.terminated ? 1 : 0);
      report(view.offset + view.length);
    },
  );
  result.bytesScanned = end - start;
  report(end, true);
  return result;
}

/** The position of a line as {@link lineAnomaly} needs it (its bytes only matter as null or not). */
function rawOf(view: LineView): RawLine {
  return {
    bytes: view.oversized ? null : EMPTY,
    line: view.line,
    offset: view.offset,
    length: view.length,
    terminated: view.terminated,
  };
}

const EMPTY = Buffer.alloc(0);

/** Counts an anomaly, keeping at most `max` of them in the report. */
function noteAnomaly(result: FileScanResult, anomaly: Anomaly | null, max: number): void {
  if (!anomaly) return;
  result.anomalyCount += 1;
  if (result.anomalies.length < max) result.anomalies.push(anomaly);
}

/**
 * Scans only the newest `sampleSize` lines of a file, reading backwards from its end (a quick
 * look, for `scan({ sampleSize })`). Anomalies carry offsets but no line numbers; `nextLine`
 * is 0 because the line count is not known.
 */
export async function scanFileTail(
  path: string,
  sampleSize: number,
  options: Pick<FileScanOptions, "endOffset" | "maxLineBytes" | "maxAnomalies" | "signal"> = {},
): Promise<FileScanResult> {
  const end = options.endOffset ?? (await stat(path)).size;
  const maxAnomalies = options.maxAnomalies ?? 10_000;
  const result: FileScanResult = {
    path,
    anomalies: [],
    anomalyCount: 0,
    records: 0,
    bytesScanned: 0,
    endOffset: end,
    nextLine: 0,
  };
  let seen = 0;
  let earliest = end;
  if (sampleSize > 0) {
    for await (const raw of readLinesBackward(path, {
      endOffset: end,
      maxLineBytes: options.maxLineBytes,
      signal: options.signal,
    })) {
      const decoded = decodeLineBytes(raw.bytes);
      noteAnomaly(result, lineAnomaly(path, raw, decoded), maxAnomalies);
      if (recordInfo(raw, decoded)) result.records += 1;
      earliest = raw.offset;
      if (++seen >= sampleSize) break;
    }
  }
  result.anomalies.reverse();
  result.bytesScanned = end - earliest;
  return result;
}

/** Options of {@link repairFile}. */
export interface RepairFileOptions {
  /** Decides for each valid record whether to keep it (retention), in file order. Default: keep all. */
  keep?: (record: StoredRecordInfo) => boolean;
  /** Copy the damaged original here before rewriting (quarantine). */
  quarantineDir?: string;
  maxLineBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** What {@link repairFile} or {@link rewriteKeeping} did to one file. */
export interface FileRewriteResult {
  path: string;
  /** True when the file was replaced. */
  changed: boolean;
  /** Valid records (known or unknown kinds) before. */
  recordsBefore: number;
  /** Valid records kept. */
  recordsAfter: number;
  /** Damaged lines dropped (torn tails, corrupted lines, invalid records). */
  droppedDamaged: number;
  /** Valid records dropped because `keep` said so. */
  droppedByRetention: number;
  /** Where the damaged original was copied, in quarantine mode. */
  quarantinedTo: string | null;
  bytesBefore: number;
  bytesAfter: number;
}

const NEWLINE = Buffer.from("\n");

/**
 * Rewrites one file keeping every valid record (known or unknown kind) that `keep` accepts and
 * every blank line, byte for byte, and drops damaged lines. A last line without newline that
 * holds a complete record is kept and gets its newline. Atomic (temp file, fsync, rename, fsync
 * of the directory); the file is left untouched when there is nothing to change. The caller
 * holds the writer lock (or pauses its own writer).
 */
export async function repairFile(
  path: string,
  options: RepairFileOptions = {},
): Promise<FileRewriteResult> {
  return rewriteFile(path, { ...options, refuseDamage: false });
}

/** Options of {@link rewriteKeeping}. */
export interface RewriteKeepingOptions {
  /** Decides for each valid record whether to keep it, in file order. */
  keep: (record: StoredRecordInfo) => boolean;
  maxLineBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * Compaction's second pass over one file: copies byte for byte every record `keep` accepts.
 * Rejects with PersistenceDamagedError (changing nothing) if it meets a damaged line. Atomic;
 * the file is untouched when nothing is dropped.
 */
export async function rewriteKeeping(
  path: string,
  options: RewriteKeepingOptions,
): Promise<FileRewriteResult> {
  return rewriteFile(path, { ...options, refuseDamage: true });
}

/** What a pass-one plan says of one line, for a second pass that need not decode it again. */
type PlannedLine = "blank" | "keep" | "drop";

async function rewriteFile(
  path: string,
  options: RepairFileOptions & {
    refuseDamage: boolean;
    /** Decides each line (by 0-based index) from a plan made by an earlier pass over the same bytes. */
    planned?: (index: number, view: LineView) => PlannedLine;
    /** The size and line count the plan was made for (a mismatch rejects, changing nothing). */
    plannedFor?: { size: number; lines: number };
  },
): Promise<FileRewriteResult> {
  if (options.quarantineDir !== undefined && options.quarantineDir.trim() === "") {
    throw new PersistenceValidationError("recovery configuration", [
      { path: "quarantineDir", message: "quarantine needs a directory (quarantineDir is empty)" },
    ]);
  }
  const st = await stat(path);
  if (options.plannedFor && options.plannedFor.size !== st.size) {
    throw new Error(
      `${path} changed between the passes of a compaction (size ${st.size}, planned for ${options.plannedFor.size})`,
    );
  }
  const report = progressEvery(
    options.refuseDamage ? "compact" : "recover",
    st.size,
    options.onProgress,
  );
  const result: FileRewriteResult = {
    path,
    changed: false,
    recordsBefore: 0,
    recordsAfter: 0,
    droppedDamaged: 0,
    droppedByRetention: 0,
    quarantinedTo: null,
    bytesBefore: st.size,
    bytesAfter: st.size,
  };
  let addedNewline = false;
  const rewrite = await atomicRewrite(
    path,
    async (out) => {
      // Kept lines are copied as runs of the read buffer (one write per run, not per line).
      let pending: Uint8Array[] = [];
      let runChunk: Buffer | null = null;
      let runStart = 0;
      let runEnd = 0;
      let index = 0;
      const endRun = (): void => {
        if (runChunk && runEnd > runStart) pending.push(runChunk.subarray(runStart, runEnd));
        runChunk = null;
      };
      await forEachLine(
        path,
        {
          endOffset: st.size,
          maxLineBytes: options.maxLineBytes,
          signal: options.signal,
          afterChunk: async () => {
            endRun();
            const out_ = pending;
            pending = [];
            for (const bytes of out_) await out.write(bytes);
          },
        },
        (view) => {
          if (options.planned) {
            const verdict = options.planned(index++, view);
            if (verdict === "drop") {
              result.recordsBefore += 1;
              result.droppedByRetention += 1;
              endRun();
              return;
            }
            if (verdict === "keep") {
              result.recordsBefore += 1;
              result.recordsAfter += 1;
            }
            keepLine(view);
            return;
          }
          const decoded = view.decode();
          const complete = decoded.type === "record" || decoded.type === "unknown_kind";
          const damaged =
            !view.terminated || (decoded.type !== "record" && decoded.type !== "blank")
              ? lineAnomaly(path, rawOf(view), decoded) !== null
              : false;
          if (damaged && options.refuseDamage) throw new PersistenceDamagedError(path, 1);
          if (damaged && !(complete && !view.terminated)) {
            result.droppedDamaged += 1;
            endRun();
            return;
          }
          if (complete) {
            result.recordsBefore += 1;
            if (
              options.keep &&
              !options.keep({
                kind: decoded.kind,
                timestamp: decoded.timestamp,
                bytes: view.length + 1,
                line: view.line,
                offset: view.offset,
              })
            ) {
              result.droppedByRetention += 1;
              endRun();
              return;
            }
            result.recordsAfter += 1;
          }
          keepLine(view);
        },
      );
      function keepLine(view: LineView): void {
        if (view.inChunk) {
          if (runChunk === view.chunk && runEnd === view.start) {
            runEnd = view.start + view.length + 1;
          } else {
            endRun();
            runChunk = view.chunk;
            runStart = view.start;
            runEnd = view.start + view.length + 1;
          }
        } else {
          endRun();
          // Never null here: oversized lines are always anomalies.
          pending.push(view.bytes() ?? EMPTY, NEWLINE);
          if (!view.terminated) addedNewline = true;
        }
        report(view.offset + view.length);
      }
      if (options.plannedFor && options.plannedFor.lines !== index) {
        throw new Error(
          `${path} changed between the passes of a compaction (${index} lines, planned for ${options.plannedFor.lines})`,
        );
      }
      const changed = result.droppedDamaged > 0 || result.droppedByRetention > 0 || addedNewline;
      if (changed && options.quarantineDir !== undefined && result.droppedDamaged > 0) {
        result.quarantinedTo = await quarantineCopy(path, options.quarantineDir);
      }
      return changed;
    },
    { mode: st.mode & 0o777 },
  );
  result.changed = rewrite.replaced;
  if (rewrite.replaced) result.bytesAfter = rewrite.bytes;
  report(st.size, true);
  return result;
}

/**
 * Copies a damaged file into `quarantineDir` (created if missing) as
 * `quarantined-<time>-<random>-<name>`, so a copy never matches the store's own file pattern.
 * Returns the copy's path.
 */
export async function quarantineCopy(path: string, quarantineDir: string): Promise<string> {
  const dir = resolve(quarantineDir);
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:.]/g, "");
  const random = Math.random().toString(16).slice(2, 8);
  const target = join(dir, `quarantined-${stamp}-${random}-${basename(path)}`);
  await copyFile(path, target);
  const handle = await open(target, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDirectory(dir);
  return target;
}

/** What {@link compactFile} did. */
export interface FileCompactionResult {
  beforeRecords: number;
  afterRecords: number;
  removedRecords: number;
  beforeBytes: number;
  afterBytes: number;
}

/**
 * Compacts one file on its own: pass one scans it (refusing any damage with
 * PersistenceDamagedError, changing nothing) and plans retention; pass two rewrites it without
 * what the policy excludes (skipped when the policy has no rules, so the file is read once).
 * Memory is bounded. For a store made of several files, run
 * {@link scanFile} with `onRecord: planner.observe` over all of them, then {@link rewriteKeeping}.
 */
export async function compactFile(
  path: string,
  policy: RetentionPolicy,
  options: {
    now?: number;
    maxLineBytes?: number;
    signal?: AbortSignal;
    onProgress?: (p: Progress) => void;
  } = {},
): Promise<FileCompactionResult> {
  const planner = new RetentionPlanner(policy, options.now);
  const plan = new LinePlan(hasAgeRule(policy));
  const scan = await scanFile(path, {
    maxLineBytes: options.maxLineBytes,
    signal: options.signal,
    onRecord: (info) => {
      planner.observe(info);
      plan.record(info);
    },
    onBlank: () => plan.blank(),
  });
  if (scan.anomalyCount > 0) throw new PersistenceDamagedError(path, scan.anomalyCount);
  if (!hasRetentionRules(policy)) {
    return {
      beforeRecords: scan.records,
      afterRecords: scan.records,
      removedRecords: 0,
      beforeBytes: scan.bytesScanned,
      afterBytes: scan.bytesScanned,
    };
  }
  // Pass two decides each line from what pass one remembered of it (kind, and the timestamp
  // when the policy has an age rule): no line is decoded twice. The file cannot change in
  // between (the caller holds the writer lock); its size and line count are checked anyway.
  const item = { kind: "", timestamp: 0, bytes: 0 };
  const rewrite = await rewriteFile(path, {
    refuseDamage: true,
    maxLineBytes: options.maxLineBytes,
    signal: options.signal,
    onProgress: options.onProgress,
    plannedFor: { size: scan.endOffset, lines: plan.lines },
    planned: (index, view) => {
      const kind = plan.kindAt(index);
      if (kind === undefined) return "blank";
      item.kind = kind;
      item.timestamp = plan.timestampAt(index);
      item.bytes = view.length + 1;
      return planner.keep(item) ? "keep" : "drop";
    },
  });
  return {
    beforeRecords: rewrite.recordsBefore,
    afterRecords: rewrite.recordsAfter,
    removedRecords: rewrite.droppedByRetention,
    beforeBytes: rewrite.bytesBefore,
    afterBytes: rewrite.bytesAfter,
  };
}

function hasAgeRule(policy: RetentionPolicy): boolean {
  return policy.maxAgeSeconds !== undefined && policy.maxAgeSeconds !== null;
}

const PAGE = 1 << 20;

/**
 * What pass one of a compaction remembers of every line, compactly: a kind code per line
 * (1 byte; 0 = blank) and, only when needed, its timestamp (8 bytes). About 5 MB per GB of
 * ~200-byte records without an age rule.
 */
class LinePlan {
  readonly #withTimestamps: boolean;
  readonly #codes: Uint8Array[] = [];
  readonly #timestamps: Float64Array[] = [];
  // Code 0 is a blank line; the known kinds come first so they never share the overflow code.
  readonly #kinds: string[] = ["", ...RECORD_KINDS];
  readonly #codeOf = new Map<string, number>(RECORD_KINDS.map((kind, i) => [kind, i + 1]));
  lines = 0;

  constructor(withTimestamps: boolean) {
    this.#withTimestamps = withTimestamps;
  }

  blank(): void {
    this.#push(0, 0);
  }

  record(info: StoredRecordInfo): void {
    let code = this.#codeOf.get(info.kind);
    if (code === undefined) {
      // Beyond 254 distinct kinds, unknown ones share code 255 (retention keeps them all anyway).
      code = Math.min(this.#kinds.length, 255);
      if (code < 255) {
        this.#kinds.push(info.kind);
        this.#codeOf.set(info.kind, code);
      }
    }
    this.#push(code, info.timestamp);
  }

  /** The kind of line `index`, or undefined for a blank line. */
  kindAt(index: number): string | undefined {
    const code = (this.#codes[Math.floor(index / PAGE)] as Uint8Array)[index % PAGE] as number;
    if (code === 0) return undefined;
    // Code 255 is shared by the overflow kinds, all unknown ones, which retention always keeps.
    return code === 255 ? OVERFLOW_KIND : (this.#kinds[code] as string);
  }

  timestampAt(index: number): number {
    if (!this.#withTimestamps) return 0; // without an age rule retention never reads it
    return (this.#timestamps[Math.floor(index / PAGE)] as Float64Array)[index % PAGE] as number;
  }

  #push(code: number, timestamp: number): void {
    const page = Math.floor(this.lines / PAGE);
    if (page === this.#codes.length) {
      this.#codes.push(new Uint8Array(PAGE));
      if (this.#withTimestamps) this.#timestamps.push(new Float64Array(PAGE));
    }
    (this.#codes[page] as Uint8Array)[this.lines % PAGE] = code;
    if (this.#withTimestamps)
      (this.#timestamps[page] as Float64Array)[this.lines % PAGE] = timestamp;
    this.lines += 1;
  }
}

/** Stands for any of the unknown kinds beyond the 254 a plan names (never a known kind). */
const OVERFLOW_KIND = "\u0000unknown";
