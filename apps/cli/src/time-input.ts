import { PapyraUsageError } from "@papyra/core";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};
const EPOCH = /^-?\d+(?:\.\d+)?$/;
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses a `--since`/`--until` value into epoch seconds: epoch seconds (`1700000000.5`), an
 * ISO-8601 time (`2026-01-02T03:04:05Z`) or a duration before `now` (`90s`, `15m`, `2h`, `7d`).
 */
export function parseTimeInput(flag: string, raw: string, now: number = Date.now() / 1000): number {
  const value = raw.trim();
  if (EPOCH.test(value)) return Number(value);
  const duration = DURATION.exec(value);
  if (duration) return now - Number(duration[1]) * (UNIT_SECONDS[duration[2] as string] ?? 1);
  if (ISO_DATE.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new PapyraUsageError(
    `${flag} ${JSON.stringify(raw)}: expected epoch seconds (1700000000), an ISO-8601 time (2026-01-02T03:04:05Z) or a duration (30s, 15m, 2h, 7d, 1w)`,
  );
}

/** Parses a non-negative whole number flag such as `--limit`. */
export function parseCount(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim())) {
    throw new PapyraUsageError(
      `${flag} ${JSON.stringify(raw)}: expected a whole number, 0 or more`,
    );
  }
  return Number(raw.trim());
}

/** Parses a positive whole number flag such as `--timeout-ms`. */
export function parsePositive(flag: string, raw: string): number {
  const n = parseCount(flag, raw);
  if (n === 0) throw new PapyraUsageError(`${flag} must be greater than 0`);
  return n;
}
