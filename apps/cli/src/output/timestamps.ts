import { PapyraUsageError } from "@papyra/core";

/** A value of `--time`. */
export type TimeFlag = "utc" | "local" | "epoch";

/**
 * How human output prints a timestamp (`--time`); JSON output always keeps epoch seconds.
 * `{ timeZone }` is local time in the zone the run's `TZ` names.
 */
export type TimeStyle = TimeFlag | { readonly timeZone: string };

/** The values `--time` takes. */
export const TIME_STYLES: readonly TimeFlag[] = ["utc", "local", "epoch"];

/**
 * The `--time` flag's value, checked (a usage error names the choices). Default `utc`. Local
 * time follows the run's `TZ` (a run's environment is its own, also in-process), else the
 * process's zone.
 */
export function timeStyleOf(value: unknown, env: NodeJS.ProcessEnv = {}): TimeStyle {
  if (value === undefined) return "utc";
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof last === "string" && (TIME_STYLES as readonly string[]).includes(last)) {
    if (last === "local" && env.TZ) {
      const timeZone = env.TZ.replace(/^:/, "");
      try {
        new Intl.DateTimeFormat("en-US", { timeZone });
        return { timeZone };
      } catch {
        return "local"; // a TZ the runtime does not know: the process's own zone
      }
    }
    return last as TimeFlag;
  }
  throw new PapyraUsageError(
    `--time ${JSON.stringify(last)}: expected one of ${TIME_STYLES.join(", ")}`,
  );
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/**
 * A stored timestamp (epoch seconds) for a person: ISO 8601 in UTC with milliseconds
 * (`2026-11-30T13:14:44.123Z`), in local time with its offset (`2026-11-30T14:14:44.123+01:00`),
 * or epoch seconds with three decimals (`1764508484.123`). A value no date can show (beyond
 * ±8.64e12 s) prints as epoch seconds.
 */
export function formatTime(timestamp: number, style: TimeStyle = "utc"): string {
  const date = new Date(Math.round(timestamp * 1000));
  if (style === "epoch" || !Number.isFinite(date.getTime())) return timestamp.toFixed(3);
  if (style === "utc") return date.toISOString();
  const local = style === "local" ? processLocal(date) : zoned(date, style.timeZone);
  const sign = local.offset >= 0 ? "+" : "-";
  const abs = Math.abs(local.offset);
  return (
    `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}` +
    `T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}` +
    `.${pad(date.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** A wall-clock time and its offset from UTC in minutes. */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offset: number;
}

function processLocal(date: Date): WallClock {
  return {
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    hour: date.getHours(),
    minute: date.getMinutes(),
    second: date.getSeconds(),
    offset: -date.getTimezoneOffset(),
  };
}

function zoned(date: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = {
    year: part("year"),
    month: part("month"),
    day: part("day"),
    hour: part("hour"),
    minute: part("minute"),
    second: part("second"),
  };
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const wholeSeconds = date.getTime() - date.getUTCMilliseconds();
  return { ...wall, offset: Math.round((asUtc - wholeSeconds) / 60_000) };
}
