import type { Progress } from "@papyra/core";
import { formatBytes, formatCount, formatDuration } from "./units.js";

/** How much of a phase is done, in the phase's unit: `65.1 MiB of 296.4 MiB`, `12,000 records`. */
function amount(progress: Progress): string {
  const show = progress.unit === "bytes" ? formatBytes : formatCount;
  const suffix = progress.unit === "records" ? " records" : "";
  if (progress.total === undefined || progress.total <= 0) return `${show(progress.done)}${suffix}`;
  return `${show(progress.done)} of ${show(progress.total)}${suffix}`;
}

/**
 * One progress line for a person: phase, percentage, amount, rate and time left, e.g.
 * `compact: 22% · 65.1 MiB of 296.4 MiB · 41.0 MiB/s · about 6s left`. Rate and time left
 * appear once `elapsedMs` is long enough to mean something (a quarter of a second).
 */
export function formatProgress(progress: Progress, elapsedMs: number): string {
  const parts: string[] = [];
  const { total, done } = progress;
  const known = total !== undefined && total > 0;
  if (known) parts.push(`${Math.min(100, Math.floor((done / total) * 100))}%`);
  parts.push(amount(progress));
  if (elapsedMs >= 250 && done > 0) {
    const perSecond = done / (elapsedMs / 1000);
    parts.push(
      progress.unit === "bytes" ? `${formatBytes(perSecond)}/s` : `${formatCount(perSecond)}/s`,
    );
    if (known && done < total)
      parts.push(`about ${formatDuration((total - done) / perSecond)} left`);
  }
  return `${progress.phase}: ${parts.join(" · ")}`;
}

/**
 * Tracks when each phase began, so rate and time left are measured per phase (a recovery
 * scans, rewrites and scans again).
 */
export class PhaseClock {
  #phase: string | null = null;
  #startedAt: number;

  constructor(now: number) {
    this.#startedAt = now;
  }

  /** Milliseconds since `progress`'s phase began (the clock restarts when the phase changes). */
  elapsed(progress: Progress, now: number): number {
    if (this.#phase !== null && this.#phase !== progress.phase) this.#startedAt = now;
    this.#phase = progress.phase;
    return now - this.#startedAt;
  }
}
