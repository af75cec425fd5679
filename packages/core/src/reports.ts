import { z } from "zod";
import { parseOrThrow } from "./validation.js";

/** Anomaly type names, stored and printed as these strings. */
export const ANOMALY_TYPES = [
  "TRUNCATED_LINE",
  "CORRUPTED_LINE",
  "INVALID_RECORD",
  "PARTIAL_WRITE",
  "ORPHANED_ROTATED_FILE",
  "UNEXPECTED_FILE",
] as const;

/** One of the anomaly type names. */
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** One piece of damage a scan found. */
export interface Anomaly {
  type: AnomalyType;
  /** File path, stream key or other location of the damage. */
  path: string;
  /** What is wrong, for a person. */
  detail: string;
  /** 1-based line number, where known. */
  line?: number;
  /** Byte offset of the damaged line's start, where known. */
  offset?: number;
}

/** What `scan()` found. Scans never mutate storage. */
export interface ScanReport {
  /** The store scanned (a path or a Redis key prefix). */
  location: string;
  anomalies: Anomaly[];
  /** Valid records seen (of every kind, unknown kinds included). */
  records_scanned: number;
  /** Bytes read, where the backend can tell; null otherwise. */
  bytes_scanned: number | null;
  /** True when only what was written since the last clean full scan was checked. */
  incremental: boolean;
  /** True when only a sample of the store was checked (e.g. Redis `sampleSize`). */
  sampled: boolean;
}

/** Progress of a long scan, compaction or recovery, for an interactive display. */
export interface Progress {
  phase: "scan" | "recover" | "compact";
  done: number;
  /** Total in the same unit as `done`, when known. */
  total?: number;
  unit: "bytes" | "records";
}

/** Options every `scan()` accepts; backends ignore what does not apply to them. */
export interface ScanOptions {
  /**
   * Allow checking only what was written since the last clean full scan. A backend that cannot
   * do so scans everything. `persistence scan` and `doctor run --full` never set it.
   */
  incremental?: boolean;
  /** Check only the newest N entries (a quick look); the report says `sampled: true`. */
  sampleSize?: number;
  /** Aborts a long scan; the scan then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called now and then during a long scan. Must not throw. */
  onProgress?: (progress: Progress) => void;
}

/** Recovery modes: scan only, rewrite without damage, or copy damage aside then rewrite. */
export const RECOVERY_MODES = ["ignore", "repair", "quarantine"] as const;

/** One of {@link RECOVERY_MODES}. */
export type RecoveryMode = (typeof RECOVERY_MODES)[number];

/** How to recover. */
export interface RecoveryConfig {
  mode: RecoveryMode;
  /** Required for `quarantine`: where damaged originals are copied before repair. */
  quarantineDir?: string;
  /**
   * Repair or quarantine even what does not look like a store (no valid record, or mostly
   * damaged lines). Without it such data is refused with PersistenceNotAStoreError and left
   * untouched. Default false.
   */
  force?: boolean;
  /**
   * Report what a recovery would do (the same report, `dry_run: true`) and change nothing:
   * no rewrite, no quarantine copy, no temp file, no sidecar, no counter. Default false.
   */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

const flag = (name: string) => z.boolean({ error: `${name} must be true or false` }).optional();

/** zod schema of the serialisable part of {@link RecoveryConfig}. */
export const recoveryConfigSchema: z.ZodType<
  Pick<RecoveryConfig, "mode" | "quarantineDir" | "force" | "dryRun">
> = z
  .object({
    mode: z.enum(RECOVERY_MODES, {
      error: () => `mode must be one of ${RECOVERY_MODES.join(", ")}`,
    }),
    quarantineDir: z.string().min(1).optional(),
    force: flag("force"),
    dryRun: flag("dryRun"),
  })
  .refine((c) => c.mode !== "quarantine" || c.quarantineDir !== undefined, {
    message: "quarantine mode needs quarantineDir (a directory for the damaged originals)",
    path: ["quarantineDir"],
  });

/**
 * Validates a recovery config before anything is touched; throws PersistenceValidationError
 * (for example quarantine without `quarantineDir`). Returns the caller's object unchanged.
 */
export function validateRecoveryConfig(config: RecoveryConfig): RecoveryConfig {
  parseOrThrow(
    recoveryConfigSchema,
    {
      mode: config?.mode,
      quarantineDir: config?.quarantineDir,
      force: config?.force,
      dryRun: config?.dryRun,
    },
    "recovery configuration",
  );
  return config;
}

/**
 * What `recover()` did, or with `dryRun` would do. A dry run fills the same fields with what a
 * real run would do: `repaired_files` would be rewritten, `quarantined_files` are where the
 * copies would go (a file name part not known before the copy is written as `<time>-<random>`),
 * the dropped counts are exact, and `scan_after` is `scan_before` (nothing changed).
 */
export interface RecoveryReport {
  mode: RecoveryMode;
  /** True for a dry run: the report says what would happen; nothing was changed. */
  dry_run?: boolean;
  scan_before: ScanReport;
  /** Files or streams rewritten without their damage. */
  repaired_files: string[];
  /** Where damaged originals were copied (quarantine mode). */
  quarantined_files: string[];
  /** Damaged lines or entries removed. */
  dropped_damaged: number;
  /** Valid records dropped because retention already excluded them (reads never returned them). */
  dropped_by_retention: number;
  scan_after: ScanReport;
}

/**
 * What `compact()` did, or with `dryRun` would do (the same figures, nothing changed). Byte
 * figures are null where the backend cannot tell.
 */
export interface CompactionReport {
  /** True for a dry run: the figures say what would happen; nothing was changed. */
  dry_run?: boolean;
  before_records: number;
  after_records: number;
  removed_records: number;
  before_bytes: number | null;
  after_bytes: number | null;
  reclaimed_bytes: number | null;
}

/** Options every `compact()` accepts. */
export interface CompactOptions {
  /**
   * Compact even what does not look like a store (no valid record, or mostly damaged lines);
   * damage is still refused (PersistenceDamagedError). Default false.
   */
  force?: boolean;
  /** Report what a compaction would remove and reclaim, and change nothing. Default false. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** zod schema of the serialisable part of {@link CompactOptions}. */
export const compactOptionsSchema: z.ZodType<Pick<CompactOptions, "force" | "dryRun">> = z.object({
  force: flag("force"),
  dryRun: flag("dryRun"),
});

/**
 * Validates compaction options before anything is touched; throws PersistenceValidationError
 * (for example `dryRun: "yes"`). Returns the caller's object unchanged.
 */
export function validateCompactOptions(options: CompactOptions = {}): CompactOptions {
  parseOrThrow(
    compactOptionsSchema,
    { force: options?.force, dryRun: options?.dryRun },
    "compaction options",
  );
  return options;
}

/** True when a scan found nothing. */
export function isClean(report: ScanReport): boolean {
  return report.anomalies.length === 0;
}

/** Counts a report's anomalies by type name. */
export function countAnomalies(report: ScanReport): Partial<Record<AnomalyType, number>> {
  const counts: Partial<Record<AnomalyType, number>> = {};
  for (const anomaly of report.anomalies) counts[anomaly.type] = (counts[anomaly.type] ?? 0) + 1;
  return counts;
}
