import { stat } from "node:fs/promises";
import { PersistenceDamagedError, PersistenceValidationError, type Progress } from "@papyra/core";
import { atomicRewrite, type RewriteOutput } from "./atomic-rewrite.js";
import { isKeptRecord } from "./decode.js";
import { forEachLine, type LineView } from "./line-chunks.js";
import { progressEvery } from "./progress.js";
import { quarantineCopy, quarantineTarget } from "./quarantine.js";
import { lineAnomaly, type StoredRecordInfo } from "./scan-file.js";
import { countDamagedLine, emptyShape, refuseNonStore } from "./store-shape.js";

/** Options of {@link repairFile}. */
export interface RepairFileOptions {
  /** Decides for each valid record whether to keep it (retention), in file order. Default: keep all. */
  keep?: (record: StoredRecordInfo) => boolean;
  /** Copy the damaged original here before rewriting (quarantine). */
  quarantineDir?: string;
  /**
   * Rewrite even a file that does not look like a store (see `refuseNonStore`). Without it
   * such a file is refused with PersistenceNotAStoreError, untouched. Default false.
   */
  force?: boolean;
  /**
   * Read the file and report exactly what a repair would do (`changed` = would be replaced,
   * `quarantinedTo` = where the copy would go), writing nothing: no temp file, no copy.
   */
  dryRun?: boolean;
  maxLineBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** What {@link repairFile} or {@link rewriteKeeping} did (or in a dry run would do) to one file. */
export interface FileRewriteResult {
  path: string;
  /** True when the file was replaced (in a dry run: would be). */
  changed: boolean;
  /** Valid records (known or unknown kinds) before. */
  recordsBefore: number;
  /** Valid records kept. */
  recordsAfter: number;
  /** Damaged lines dropped (torn tails, corrupted lines, invalid records). */
  droppedDamaged: number;
  /** Valid records dropped because `keep` said so. */
  droppedByRetention: number;
  /**
   * Where the damaged original was copied, in quarantine mode. In a dry run, where it would
   * go, with `<time>-<random>` standing for the part of the name chosen at copy time.
   */
  quarantinedTo: string | null;
  bytesBefore: number;
  bytesAfter: number;
}

const NEWLINE = Buffer.from("\n");
const EMPTY = Buffer.alloc(0);

/**
 * Rewrites one file keeping every valid record (known or unknown kind) that `keep` accepts and
 * every blank line, byte for byte, and drops damaged lines. A last line without newline that
 * holds a complete record is kept and gets its newline. Atomic (temp file, fsync, rename, fsync
 * of the directory); the file is left untouched when there is nothing to change. A file that
 * does not look like a store is refused (PersistenceNotAStoreError, untouched, no quarantine
 * copy) unless `force`. The caller holds the writer lock (or pauses its own writer).
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
  /** Count what would be kept and dropped, writing nothing. */
  dryRun?: boolean;
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
export type PlannedLine = "blank" | "keep" | "drop";

/** Options of {@link rewriteFile}. */
export interface RewriteFileOptions extends RepairFileOptions {
  /** Reject with PersistenceDamagedError on the first damaged line (compaction). */
  refuseDamage: boolean;
  /** Decides each line (by 0-based index) from a plan made by an earlier pass over the same bytes. */
  planned?: (index: number, view: LineView) => PlannedLine;
  /** The size and line count the plan was made for (a mismatch rejects, changing nothing). */
  plannedFor?: { size: number; lines: number };
}

/** An output that only counts bytes: what a dry run "writes". */
function countingOutput(): RewriteOutput {
  let total = 0;
  return {
    async write(bytes) {
      total += bytes.length;
    },
    get bytes() {
      return total;
    },
  };
}

/** The one rewrite loop behind repair, compaction's pass two and their dry runs. */
export async function rewriteFile(
  path: string,
  options: RewriteFileOptions,
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
  const shape = emptyShape();
  let addedNewline = false;
  const produce = async (out: RewriteOutput): Promise<boolean> => {
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
    const keepLine = (view: LineView): void => {
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
    };
    await forEachLine(
      path,
      {
        endOffset: st.size,
        maxLineBytes: options.maxLineBytes,
        signal: options.signal,
        afterChunk: async () => {
          endRun();
          const ready = pending;
          pending = [];
          for (const bytes of ready) await out.write(bytes);
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
        const complete = isKeptRecord(decoded);
        const damaged =
          !view.terminated || (decoded.type !== "record" && decoded.type !== "blank")
            ? lineAnomaly(path, view, decoded) !== null
            : false;
        if (damaged && options.refuseDamage) throw new PersistenceDamagedError(path, 1);
        if (damaged && !(complete && !view.terminated)) {
          countDamagedLine(shape, view, decoded);
          result.droppedDamaged += 1;
          endRun();
          return;
        }
        if (complete) {
          shape.records += 1;
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
    if (options.plannedFor && options.plannedFor.lines !== index) {
      throw new Error(
        `${path} changed between the passes of a compaction (${index} lines, planned for ${options.plannedFor.lines})`,
      );
    }
    const changed = result.droppedDamaged > 0 || result.droppedByRetention > 0 || addedNewline;
    // Judged on the whole file, before anything is copied or replaced.
    if (changed && !options.force && !options.refuseDamage) {
      refuseNonStore(path, shape, options.quarantineDir !== undefined ? "quarantine" : "repair");
    }
    if (changed && options.quarantineDir !== undefined && result.droppedDamaged > 0) {
      result.quarantinedTo = options.dryRun
        ? quarantineTarget(path, options.quarantineDir, "<time>-<random>")
        : await quarantineCopy(path, options.quarantineDir);
    }
    return changed;
  };
  if (options.dryRun) {
    const out = countingOutput();
    result.changed = await produce(out);
    if (result.changed) result.bytesAfter = out.bytes;
  } else {
    const rewrite = await atomicRewrite(path, produce, { mode: st.mode & 0o777 });
    result.changed = rewrite.replaced;
    if (rewrite.replaced) result.bytesAfter = rewrite.bytes;
  }
  report(st.size, true);
  return result;
}
