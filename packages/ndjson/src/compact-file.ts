import {
  hasRetentionRules,
  PersistenceDamagedError,
  type Progress,
  RECORD_KINDS,
  RetentionPlanner,
  type RetentionPolicy,
} from "@papyra/core";
import { rewriteFile } from "./rewrite-file.js";
import { type StoredRecordInfo, scanFile } from "./scan-file.js";
import { refuseNonStore } from "./store-shape.js";

/** What {@link compactFile} did. */
export interface FileCompactionResult {
  beforeRecords: number;
  afterRecords: number;
  removedRecords: number;
  beforeBytes: number;
  afterBytes: number;
}

/** Options of {@link compactFile}. */
export interface CompactFileOptions {
  now?: number;
  maxLineBytes?: number;
  /** Compact even a file that does not look like a store (damage is still refused). */
  force?: boolean;
  /** Report what would be removed and reclaimed; write nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Compacts one file on its own: pass one scans it (refusing, changing nothing, a file that
 * does not look like a store with PersistenceNotAStoreError unless `force`, then any damage
 * with PersistenceDamagedError) and plans retention; pass two rewrites it without what the
 * policy excludes (skipped when the policy has no rules, so the file is read once). With
 * `dryRun`, pass two only counts. Memory is bounded. For a store made of several files, run
 * {@link scanFile} with `onRecord: planner.observe` over all of them, then `rewriteKeeping`.
 */
export async function compactFile(
  path: string,
  policy: RetentionPolicy,
  options: CompactFileOptions = {},
): Promise<FileCompactionResult> {
  const planner = new RetentionPlanner(policy, options.now);
  const plan = new LinePlan(hasAgeRule(policy));
  const halves = twoPassProgress(options.onProgress);
  const scan = await scanFile(path, {
    maxLineBytes: options.maxLineBytes,
    signal: options.signal,
    onProgress: halves.first,
    onRecord: (info) => {
      planner.observe(info);
      plan.record(info);
    },
    onBlank: () => plan.blank(),
  });
  if (!options.force) refuseNonStore(path, scan.shape, "compact");
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
    dryRun: options.dryRun,
    maxLineBytes: options.maxLineBytes,
    signal: options.signal,
    onProgress: halves.second,
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

/**
 * Progress of a compaction's two passes as one `compact` phase over the file's size: pass one
 * (check and plan) fills the first half, pass two (rewrite) the second, so an operator sees
 * progress from the start instead of silence until the rewrite begins.
 */
function twoPassProgress(onProgress: ((p: Progress) => void) | undefined): {
  first?: (p: Progress) => void;
  second?: (p: Progress) => void;
} {
  if (!onProgress) return {};
  const half = (p: Progress, base: number): Progress => {
    const total = p.total ?? 0;
    return { phase: "compact", done: Math.floor(base * total + p.done / 2), total, unit: p.unit };
  };
  return {
    first: (p) => onProgress(half(p, 0)),
    second: (p) => onProgress(half(p, 0.5)),
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
