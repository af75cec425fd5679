import { UsageError } from "../exit-codes.js";

/** How human output prints a timestamp (`--time`); JSON output always keeps epoch seconds. */
export type TimeStyle = "utc" | "local" | "epoch";

/** The values `--time` takes. */
export const TIME_STYLES: readonly TimeStyle[] = ["utc", "local", "epoch"];

/** The `--time` flag's value, checked (a usage error names the choices). Default `utc`. */
export function timeStyleOf(value: unknown): TimeStyle {
  if (value === undefined) return "utc";
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof last === "string" && (TIME_STYLES as readonly string[]).includes(last)) {
    return last as TimeStyle;
  }
  throw new UsageError(`--time ${JSON.stringify(last)}: expected one of ${TIME_STYLES.join(", ")}`);
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
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `.${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
