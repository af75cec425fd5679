import type { Progress } from "@papyra/core";
import { formatProgress, PhaseClock } from "./progress-line.js";

/** Where the CLI writes, and what it knows about those streams. */
export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

/** A text style the human output may use (only when colour is on). */
export type Style = keyof typeof STYLES;

function flagSet(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/**
 * Human or JSON output. Colour only on a terminal (or with FORCE_COLOR) and never when
 * NO_COLOR is set; progress only when both streams are a terminal and not in JSON mode.
 */
export class Output {
  readonly json: boolean;
  readonly color: boolean;
  readonly progressEnabled: boolean;
  readonly #streams: OutputStreams;
  #progressShown = false;
  #lastProgress = 0;
  /** NO_COLOR: no escape sequences at all, progress included. */
  readonly #plain: boolean;
  #progressWidth = 0;

  constructor(streams: OutputStreams, json: boolean) {
    this.#streams = streams;
    this.json = json;
    const noColor = streams.env.NO_COLOR !== undefined && streams.env.NO_COLOR !== "";
    this.#plain = noColor;
    this.color =
      !json && !noColor && (flagSet(streams.env.FORCE_COLOR) || streams.stdout.isTTY === true);
    this.progressEnabled = !json && streams.stderr.isTTY === true && streams.stdout.isTTY === true;
  }

  /** Standard output, for commands that stream records as they read them. */
  get stdout(): OutputStreams["stdout"] {
    this.#clearProgress();
    return this.#streams.stdout;
  }

  /** Applies a style when colour is on. */
  paint(style: Style, text: string): string {
    if (!this.color) return text;
    const [open, close] = STYLES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** Writes one line of human output to stdout. */
  line(text = ""): void {
    this.#clearProgress();
    this.#streams.stdout.write(`${text}\n`);
  }

  /** Writes one diagnostic line to stderr. */
  diag(text: string): void {
    this.#clearProgress();
    this.#streams.stderr.write(`${text}\n`);
  }

  /** Writes the command's one JSON document to stdout. */
  document(value: unknown): void {
    this.#streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Prints `key  value` pairs with the values aligned. */
  pairs(rows: readonly (readonly [string, string])[], minWidth = 0): void {
    const width = Math.max(minWidth, ...rows.map(([key]) => key.length));
    for (const [key, value] of rows) {
      this.line(`${this.paint("dim", `${key}:`.padEnd(width + 1))} ${value}`);
    }
  }

  /** Prints rows as aligned columns; the first row is a header. */
  table(rows: readonly (readonly string[])[], indent = ""): void {
    const widths: number[] = [];
    for (const row of rows) {
      row.forEach((cell, i) => {
        widths[i] = Math.max(widths[i] ?? 0, cell.length);
      });
    }
    rows.forEach((row, index) => {
      const text = row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ");
      this.line(`${indent}${index === 0 ? this.paint("bold", text) : text}`);
    });
  }

  /**
   * A progress callback for long operations, or undefined when progress is not shown. The line
   * (phase, percentage, amount, rate, time left) is redrawn at most ten times a second; with
   * NO_COLOR it is redrawn with a carriage return and spaces only, no escape sequences.
   */
  progress(): ((progress: Progress) => void) | undefined {
    if (!this.progressEnabled) return undefined;
    const clock = new PhaseClock(Date.now());
    return (progress) => {
      const now = Date.now();
      const elapsed = clock.elapsed(progress, now);
      if (this.#progressShown && now - this.#lastProgress < 100) return;
      this.#lastProgress = now;
      this.#drawProgress(formatProgress(progress, elapsed));
    };
  }

  #drawProgress(text: string): void {
    const stderr = this.#streams.stderr;
    if (this.#plain) {
      stderr.write(`\r${text.padEnd(this.#progressWidth)}`);
      this.#progressWidth = text.length;
    } else {
      stderr.write(`\r\u001b[2K${text}`);
    }
    this.#progressShown = true;
  }

  #clearProgress(): void {
    if (!this.#progressShown) return;
    this.#streams.stderr.write(
      this.#plain ? `\r${" ".repeat(this.#progressWidth)}\r` : "\r\u001b[2K",
    );
    this.#progressShown = false;
    this.#progressWidth = 0;
  }

  /** Clears a progress line if one is shown. */
  finish(): void {
    this.#clearProgress();
  }
}
