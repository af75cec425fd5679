import type { Progress } from "@papyra/core";
import type { Output } from "../output/output.js";

/** A progress line of an export or an import, shown on an interactive terminal only. */
export interface ProgressLine {
  /** Reports how much is done (records or bytes, as the line was made for). */
  update(done: number, total?: number): void;
  /** Clears the line. */
  done(): void;
}

/**
 * A progress line through the Output's progress display (which shows nothing on a pipe, with
 * `--json`, or when stdout or stderr is not a terminal): undefined when it would show nothing.
 */
export function progressLine(
  out: Output,
  phase: "export" | "import",
  unit: Progress["unit"],
): ProgressLine | undefined {
  const show = out.progress();
  if (!show) return undefined;
  return {
    update(done, total) {
      // The display names any phase it is given; the core type lists the store operations.
      show({
        phase: phase as Progress["phase"],
        done,
        unit,
        ...(total === undefined ? {} : { total }),
      });
    },
    done() {
      out.finish();
    },
  };
}
