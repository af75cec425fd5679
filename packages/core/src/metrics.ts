/** The eleven stable counter names, in display order. */
export const METRIC_NAMES = [
  "records_written",
  "bytes_written",
  "write_errors",
  "records_read",
  "read_errors",
  "scan_operations",
  "anomaly_detected",
  "recovery_attempts",
  "recovery_failures",
  "compactions_triggered",
  "compaction_errors",
] as const;

/** One of the stable counter names. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** A plain copy of every counter at one instant. */
export type MetricsSnapshot = Record<MetricName, number>;

/** What a backend exposes as `metrics`: synchronous, no I/O, never throws. */
export interface MetricsSource {
  snapshot(): Partial<MetricsSnapshot> & Record<string, number>;
  reset(): void;
}

/** A snapshot with every counter at zero. */
export function emptyMetrics(): MetricsSnapshot {
  const out = {} as MetricsSnapshot;
  for (const name of METRIC_NAMES) out[name] = 0;
  return out;
}

/**
 * The in-process counters every first-party backend uses. Updates are synchronous field
 * increments; {@link takeDelta} lets a backend persist counts off the write path.
 */
export class PersistenceMetrics implements MetricsSource {
  #counters: MetricsSnapshot = emptyMetrics();
  #delta: MetricsSnapshot = emptyMetrics();
  #dirty = false;

  /** Adds `by` (default 1) to a counter. Never throws. */
  increment(name: MetricName, by = 1): void {
    if (!(by > 0)) return;
    this.#counters[name] += by;
    this.#delta[name] += by;
    this.#dirty = true;
  }

  /** A plain copy of every counter. */
  snapshot(): MetricsSnapshot {
    return { ...this.#counters };
  }

  /** Zeroes every counter (and the pending delta); stored data is untouched. */
  reset(): void {
    this.#counters = emptyMetrics();
    this.#delta = emptyMetrics();
    this.#dirty = false;
  }

  /** True when counters moved since the last {@link takeDelta}. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Returns what the counters gained since the last call, and starts a new delta. */
  takeDelta(): MetricsSnapshot {
    const delta = this.#delta;
    this.#delta = emptyMetrics();
    this.#dirty = false;
    return delta;
  }
}

/** Adds two snapshots counter by counter. */
export function addMetrics(
  a: Partial<MetricsSnapshot>,
  b: Partial<MetricsSnapshot>,
): MetricsSnapshot {
  const out = emptyMetrics();
  for (const name of METRIC_NAMES) out[name] = (a[name] ?? 0) + (b[name] ?? 0);
  return out;
}
