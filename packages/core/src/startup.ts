import { z } from "zod";
import type { PersistenceBackend } from "./backend.js";
import { ErrorCode, PersistenceStartupError } from "./errors.js";
import {
  isClean,
  type Progress,
  type RecoveryConfig,
  type RecoveryReport,
  recoveryConfigSchema,
  type ScanReport,
} from "./reports.js";
import { parseOrThrow } from "./validation.js";

/** Startup modes, from laxest to strictest. */
export const STARTUP_MODES = ["ignore", "scan_only", "fail_on_anomaly", "recover"] as const;

/** One of {@link STARTUP_MODES}. */
export type StartupMode = (typeof STARTUP_MODES)[number];

/** Options of {@link runStartupCheck}. */
export interface StartupCheckOptions {
  mode: StartupMode;
  /** Used by `recover` mode; defaults to `{ mode: "repair" }`. */
  recovery?: RecoveryConfig;
  /** Give up (and throw PersistenceStartupError) after this many milliseconds. */
  timeoutMs?: number;
  /** Verify everything instead of only what was written since the last clean scan. */
  full?: boolean;
  /**
   * Treat "no store at this location" (the backend rejects with `PAPYRA_NOT_FOUND`) as a clean
   * "no store yet" result (`missing: true`) instead of an error, e.g. in a first deploy's init
   * container. Default false: a missing store is never called healthy.
   */
  allowMissing?: boolean;
  onProgress?: (progress: Progress) => void;
}

/** What a startup check did. */
export interface StartupCheckResult {
  mode: StartupMode;
  /** The first scan; null in `ignore` mode or when the backend cannot scan. */
  scan: ScanReport | null;
  /** The recovery run in `recover` mode when the first scan found damage. */
  recovery: RecoveryReport | null;
  /** The scan after recovery, when one ran. */
  scan_after: ScanReport | null;
  /** Anomalies left in the store after the check (0 when it passed in a failing mode). */
  remaining_anomalies: number;
  /** Why no scan ran, when none did. */
  skipped: string | null;
  /** True when there is no store yet at the location (only with `allowMissing`). */
  missing: boolean;
}

/** Why a startup check refused to let the system start. */
export type StartupFailureReason =
  | "anomalies"
  | "still_damaged"
  | "recovery_unsupported"
  | "timeout";

const callback = z.custom<(progress: Progress) => void>((v) => typeof v === "function", {
  message: "onProgress must be a function",
});

const startupOptionsSchema = z.strictObject({
  mode: z.enum(STARTUP_MODES, {
    error: (issue) =>
      `unknown startup mode ${JSON.stringify(issue.input)}; use one of ${STARTUP_MODES.join(", ")}`,
  }),
  // Validated as data only: the caller's object (with its signal and callbacks) is what runs.
  recovery: recoveryConfigSchema
    .refine((r) => r.dryRun !== true, {
      message: "a startup check cannot recover as a dry run (drop dryRun)",
      path: ["dryRun"],
    })
    .optional(),
  timeoutMs: z
    .number()
    .int()
    .positive("timeoutMs must be a positive whole number of milliseconds")
    .optional(),
  full: z.boolean().optional(),
  allowMissing: z.boolean({ error: "allowMissing must be true or false" }).optional(),
  onProgress: callback.optional(),
});

function summarize(scan: ScanReport): string {
  const n = scan.anomalies.length;
  const first = scan.anomalies[0];
  const where = first
    ? ` (first: ${first.type} at ${first.path}${first.line ? `:${first.line}` : ""})`
    : "";
  return `${n} anomal${n === 1 ? "y" : "ies"} in ${scan.location}${where}`;
}

async function check(
  backend: PersistenceBackend,
  options: StartupCheckOptions,
  signal: AbortSignal,
): Promise<StartupCheckResult> {
  const result: StartupCheckResult = {
    mode: options.mode,
    scan: null,
    recovery: null,
    scan_after: null,
    remaining_anomalies: 0,
    skipped: null,
    missing: false,
  };
  if (options.mode === "ignore") {
    result.skipped = "startup mode is ignore";
    return result;
  }
  if (typeof backend.scan !== "function") {
    result.skipped = "the backend cannot scan";
    return result;
  }
  const scan = await backend.scan({
    incremental: !options.full,
    signal,
    onProgress: options.onProgress,
  });
  result.scan = scan;
  result.remaining_anomalies = scan.anomalies.length;
  if (isClean(scan) || options.mode === "scan_only") return result;
  if (options.mode === "fail_on_anomaly") {
    throw new PersistenceStartupError(
      "anomalies",
      `Startup refused: ${summarize(scan)}. Run recovery (papyra persistence recover) or start in recover mode.`,
      { scan, result },
    );
  }
  if (typeof backend.recover !== "function") {
    throw new PersistenceStartupError(
      "recovery_unsupported",
      `Startup refused: ${summarize(scan)}, and this backend cannot recover.`,
      { scan, result },
    );
  }
  const recovery = options.recovery ?? { mode: "repair" };
  result.recovery = await backend.recover({
    ...recovery,
    signal: recovery.signal ? AbortSignal.any([recovery.signal, signal]) : signal,
    onProgress: recovery.onProgress ?? options.onProgress,
  });
  const after = await backend.scan({ incremental: false, signal, onProgress: options.onProgress });
  result.scan_after = after;
  result.remaining_anomalies = after.anomalies.length;
  if (!isClean(after)) {
    throw new PersistenceStartupError(
      "still_damaged",
      `Startup refused: recovery (${recovery.mode}) left ${summarize(after)}.`,
      { scan, result },
    );
  }
  return result;
}

/** The location of a "no store here" error (`PAPYRA_NOT_FOUND`), or null for any other error. */
function missingLocation(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const { code, location } = error as { code?: unknown; location?: unknown };
  if (code !== ErrorCode.notFound) return null;
  return typeof location === "string" ? location : "the configured location";
}

/** Runs the check; with `allowMissing`, a store that does not exist is a "no store yet" result. */
async function checkOrMissing(
  backend: PersistenceBackend,
  options: StartupCheckOptions,
  signal: AbortSignal,
): Promise<StartupCheckResult> {
  try {
    return await check(backend, options, signal);
  } catch (error) {
    const location = options.allowMissing === true ? missingLocation(error) : null;
    if (location === null) throw error;
    return {
      mode: options.mode,
      scan: null,
      recovery: null,
      scan_after: null,
      remaining_anomalies: 0,
      skipped: `no store yet at ${location}`,
      missing: true,
    };
  }
}

/**
 * Gates startup on a healthy store. `ignore` does nothing; `scan_only` scans and reports;
 * `fail_on_anomaly` throws {@link PersistenceStartupError} on any anomaly; `recover` repairs
 * (by default) and throws if anything remains. Invalid options throw before any I/O.
 * A store that does not exist rejects with the backend's PersistenceNotFoundError (or is a
 * `missing: true` result with `allowMissing`); data that is not a store is refused by
 * recovery with PersistenceNotAStoreError, which propagates unchanged (nothing is rewritten).
 */
export async function runStartupCheck(
  backend: PersistenceBackend,
  options: StartupCheckOptions,
): Promise<StartupCheckResult> {
  const parsed = parseOrThrow(startupOptionsSchema, options, "startup check options");
  const timeoutMs = parsed.timeoutMs;
  if (timeoutMs === undefined) {
    return checkOrMissing(backend, options, new AbortController().signal);
  }

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PersistenceStartupError(
        "timeout",
        `Startup check did not finish within ${timeoutMs} ms (mode ${parsed.mode}). Raise timeoutMs or run the check offline (papyra doctor run).`,
      );
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([checkOrMissing(backend, options, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
