import type { ScanReport } from "./reports.js";
import type { StartupCheckResult, StartupFailureReason } from "./startup.js";

/** Stable machine-readable codes carried by every Papyra error. */
export const ErrorCode = {
  closed: "PAPYRA_CLOSED",
  startup: "PAPYRA_STARTUP",
  validation: "PAPYRA_VALIDATION",
  locked: "PAPYRA_LOCKED",
  unavailable: "PAPYRA_UNAVAILABLE",
  configuration: "PAPYRA_CONFIGURATION",
  damaged: "PAPYRA_DAMAGED",
  unsupported: "PAPYRA_UNSUPPORTED",
  notFound: "PAPYRA_NOT_FOUND",
  notAStore: "PAPYRA_NOT_A_STORE",
  usage: "PAPYRA_USAGE",
} as const;

/** One of the stable error codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error Papyra throws on purpose; `code` is stable across versions. */
export class PapyraError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * Whether `error` is a Papyra error, judged by its stable `code` rather than `instanceof`, so
 * it holds across package copies and bundles.
 */
export function isPapyraError(error: unknown): error is PapyraError {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return error instanceof Error && typeof code === "string" && KNOWN_CODES.has(code);
}

/** Whether `error` carries the Papyra error code `code` (see {@link isPapyraError}). */
export function hasErrorCode(error: unknown, code: ErrorCode): boolean {
  return isPapyraError(error) && error.code === code;
}

/** Thrown by `record*` (and other calls) after `close()` was called on the backend. */
export class PersistenceClosedError extends PapyraError {
  constructor(operation = "write") {
    super(
      ErrorCode.closed,
      `Cannot ${operation}: the persistence backend is closed. Open a new backend instance to keep writing.`,
    );
  }
}

/** One problem found while validating outside input, addressed by its path. */
export interface ValidationIssue {
  /** Dotted path of the offending field; empty for the value itself. */
  path: string;
  message: string;
}

/** Bad input: a list query, a config value, a record, a startup option. Lists every issue. */
export class PersistenceValidationError extends PapyraError {
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const lines = issues.map((i) => (i.path ? `  - ${i.path}: ${i.message}` : `  - ${i.message}`));
    super(ErrorCode.validation, `Invalid ${subject}:\n${lines.join("\n")}`);
    this.issues = issues;
  }
}

/** Who holds a store's writer lock, as recorded in the lock. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** Epoch seconds at which the lock was taken. */
  acquiredAt?: number;
}

/** A second writer tried to open a store whose writer lock is held. */
export class PersistenceLockedError extends PapyraError {
  readonly holder: LockHolder | undefined;
  readonly location: string;

  constructor(location: string, holder?: LockHolder, options?: { cause?: unknown }) {
    const who = holder
      ? `process ${holder.pid} on ${holder.hostname}`
      : "another process (holder unknown)";
    super(
      ErrorCode.locked,
      `Store ${location} is locked by ${who}. Only one writer may open a file store; stop that process or try again once it has exited.`,
      options,
    );
    this.holder = holder;
    this.location = location;
  }
}

/** The store cannot be opened or reached (missing directory, refused connection, I/O failure). */
export class PersistenceUnavailableError extends PapyraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.unavailable, message, options);
  }
}

/** Configuration is wrong: a bad config file, environment, backend options or missing package. */
export class PersistenceConfigurationError extends PapyraError {
  readonly issues: readonly ValidationIssue[];

  constructor(
    message: string,
    issues: readonly ValidationIssue[] = [],
    options?: { cause?: unknown },
  ) {
    const lines = issues.map((i) => (i.path ? `  - ${i.path}: ${i.message}` : `  - ${i.message}`));
    super(
      ErrorCode.configuration,
      lines.length ? `${message}\n${lines.join("\n")}` : message,
      options,
    );
    this.issues = issues;
  }
}

/** An operation that needs an undamaged store (compaction) met damage; run recovery first. */
export class PersistenceDamagedError extends PapyraError {
  readonly anomalyCount: number;

  constructor(location: string, anomalyCount: number, operation = "compact") {
    super(
      ErrorCode.damaged,
      `Cannot ${operation} ${location}: the store has ${anomalyCount} anomal${anomalyCount === 1 ? "y" : "ies"}. Nothing was changed. Run recovery first (papyra persistence recover --mode repair).`,
    );
    this.anomalyCount = anomalyCount;
  }
}

/** The backend lacks an optional part the caller asked for (e.g. `compact` on a backend without it). */
export class PersistenceUnsupportedError extends PapyraError {
  constructor(backend: string, operation: string) {
    super(
      ErrorCode.unsupported,
      `Backend "${backend}" does not support ${operation}. Use a backend that does (see papyra backends).`,
    );
  }
}

/**
 * No store exists at the location given (a mistyped path, an empty Redis prefix). Read-only
 * opens, scans and startup checks raise it instead of calling a missing store healthy.
 */
export class PersistenceNotFoundError extends PapyraError {
  /** The path, key prefix or other location that holds no store. */
  readonly location: string;

  constructor(location: string, message?: string, options?: { cause?: unknown }) {
    super(
      ErrorCode.notFound,
      message ??
        `No store at ${location}. Check the path (or backend options); to treat a missing store as "no store yet", pass --allow-missing (allowMissing: true).`,
      options,
    );
    this.location = location;
  }
}

/**
 * Repair, quarantine or compaction refused to rewrite something that does not look like a
 * Papyra store (no valid record, or mostly damaged lines). Nothing was changed; `force`
 * overrides.
 */
export class PersistenceNotAStoreError extends PapyraError {
  /** The file (or segment, or key) that was left untouched. */
  readonly location: string;

  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.notAStore, message, options);
    this.location = location;
  }
}

/** The store is not fit to start on; carries the scan (and recovery) that showed it. */
export class PersistenceStartupError extends PapyraError {
  readonly reason: StartupFailureReason;
  readonly scan: ScanReport | null;
  readonly result: StartupCheckResult | null;

  constructor(
    reason: StartupFailureReason,
    message: string,
    details: { scan?: ScanReport | null; result?: StartupCheckResult | null; cause?: unknown } = {},
  ) {
    super(ErrorCode.startup, message, { cause: details.cause });
    this.reason = reason;
    this.scan = details.scan ?? null;
    this.result = details.result ?? null;
  }
}

/**
 * A tool built on Papyra was called wrongly: an unknown flag, a bad flag value, a missing
 * argument. The `papyra` CLI exits 64 on it; nothing was read or changed.
 */
export class PapyraUsageError extends PapyraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.usage, message, options);
  }
}
