import type { RecordKind } from "../records.js";
import type { RecorderMetrics } from "./recorder-metrics.js";
import type { DropReason, DropReport } from "./types.js";

/** Calls a user hook; whatever it throws stays here, away from the runtime the recorder serves. */
export function callSafely<T>(hook: ((report: T) => void) | undefined, report: T): void {
  if (!hook) return;
  try {
    hook(report);
  } catch {
    // Ignored on purpose: see above.
  }
}

/**
 * Counts dropped records: in the metrics, as drops not yet reported by a written audit, and as
 * `onDrop` reports, coalesced per reason and delivered in a microtask (out of the caller's stack).
 */
export class DropLedger {
  /** Drops that no written audit has reported yet. */
  unreported = 0;
  #total = 0;
  #reports = new Map<DropReason, DropReport>();
  #scheduled = false;

  constructor(
    private readonly metrics: RecorderMetrics,
    private readonly onDrop: ((report: DropReport) => void) | undefined,
  ) {}

  /** Counts one dropped record. */
  drop(kind: RecordKind, reason: DropReason, error?: unknown): void {
    this.metrics.dropped(kind, reason);
    this.unreported++;
    this.#total++;
    let report = this.#reports.get(reason);
    if (!report) {
      report = {
        reason,
        count: 0,
        by_kind: { event: 0, audit: 0, dead_letter: 0 },
        total_dropped: 0,
      };
      this.#reports.set(reason, report);
    }
    report.count++;
    report.by_kind[kind]++;
    if (error !== undefined) report.error = error;
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.report());
    }
  }

  /** Hands the drops counted since the last report to `onDrop` now. */
  report(): void {
    this.#scheduled = false;
    const reports = [...this.#reports.values()];
    this.#reports.clear();
    for (const report of reports) {
      report.total_dropped = this.#total;
      callSafely(this.onDrop, report);
    }
  }
}
