/** The CLI's exit codes (SPEC §8), the same for every command. */
export const ExitCode = {
  ok: 0,
  anomaliesFail: 1,
  anomaliesRemain: 2,
  usage: 64,
  notAStore: 65,
  notFound: 66,
  unavailable: 69,
  internal: 70,
  locked: 75,
  configuration: 78,
  /** Stopped by Ctrl-C (SIGINT) while following: 128 + 2, as shells report it. */
  interrupted: 130,
} as const;

/** One of the values in {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// Network and filesystem failures a backend did not wrap still mean "cannot open or connect".
const UNAVAILABLE_SYSTEM_CODES = new Set([
  "ENOENT",
  "ENOTDIR",
  "EACCES",
  "EPERM",
  "EROFS",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EAI_AGAIN",
]);

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}

/**
 * Maps an error to its exit code by its stable `code` (never by class identity: a backend
 * installed in the user's project may bring its own copy of @papyra/core).
 */
export function exitCodeFor(error: unknown): ExitCode {
  const code = readString(error, "code");
  switch (code) {
    case "PAPYRA_USAGE":
    case "PAPYRA_UNSUPPORTED":
    case "PAPYRA_VALIDATION":
      return ExitCode.usage;
    case "PAPYRA_LOCKED":
      return ExitCode.locked;
    case "PAPYRA_UNAVAILABLE":
      return ExitCode.unavailable;
    case "PAPYRA_CONFIGURATION":
      return ExitCode.configuration;
    case "PAPYRA_NOT_A_STORE":
      return ExitCode.notAStore;
    case "PAPYRA_NOT_FOUND":
      return ExitCode.notFound;
    case "PAPYRA_DAMAGED":
      return ExitCode.anomaliesRemain;
    case "PAPYRA_STARTUP":
      switch (readString(error, "reason")) {
        case "anomalies":
          return ExitCode.anomaliesFail;
        case "still_damaged":
        case "recovery_unsupported":
          return ExitCode.anomaliesRemain;
        case "timeout":
          return ExitCode.unavailable;
        default:
          return ExitCode.internal;
      }
    default:
      if (code !== undefined && UNAVAILABLE_SYSTEM_CODES.has(code)) return ExitCode.unavailable;
      return ExitCode.internal;
  }
}
