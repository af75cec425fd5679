import type { MachineInfo } from "./machine.js";
import { type Summary, summarize } from "./stats.js";

/** The unit of a figure. Bigger is better for rates, smaller for times and sizes. */
export type Unit = "rec/s" | "events/s" | "ms" | "MB/s" | "MB";

/** One measured figure: median and range over repetitions. */
export interface Figure {
  id: string;
  group: string;
  label: string;
  unit: Unit;
  median: number;
  min: number;
  max: number;
  /** Number of samples behind the median. */
  n: number;
  peakRssMb?: number;
  /** The baseline this figure is compared with, and the ratio of the medians. */
  ratio?: { to: string; value: number };
  note?: string;
}

/** A target of issue 6 and whether this run met it. */
export interface TargetResult {
  target: string;
  measured: string;
  required: string;
  /** null when it could not be measured in this run. */
  met: boolean | null;
}

/** Everything one run produced. */
export interface BenchResults {
  command: string;
  scale: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  /** One-minute load average before each group: noise from other work on the machine. */
  load: Record<string, number>;
  figures: Figure[];
  targets: TargetResult[];
  /** Workloads not measured, and why. */
  skipped: string[];
  notes: string[];
}

/** Collects figures as the run goes. */
export class FigureBook {
  readonly figures: Figure[] = [];

  /** Adds a figure from raw samples. */
  add(
    fields: Omit<Figure, "median" | "min" | "max" | "n">,
    samples: readonly number[] | Summary,
  ): Figure {
    const summary = Array.isArray(samples) ? summarize(samples) : (samples as Summary);
    const figure: Figure = {
      ...fields,
      median: summary.median,
      min: summary.min,
      max: summary.max,
      n: summary.samples.length,
    };
    this.figures.push(figure);
    return figure;
  }

  /** The figure with this id, if it was measured. */
  get(id: string): Figure | undefined {
    return this.figures.find((figure) => figure.id === id);
  }

  /** Sets `figure.ratio` to its median over the baseline's median (when both exist). */
  compare(id: string, baselineId: string): void {
    const figure = this.get(id);
    const baseline = this.get(baselineId);
    if (!figure || !baseline || !(baseline.median > 0)) return;
    figure.ratio = { to: baseline.label, value: figure.median / baseline.median };
  }
}
