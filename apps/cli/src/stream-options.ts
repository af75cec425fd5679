import { RECORD_KINDS } from "@papyra/core";
import type { Argv } from "yargs";
import { TIME_STYLES } from "./output/timestamps.js";

/** The values `--output` takes on listings. */
export const LISTING_OUTPUTS = ["text", "json", "ndjson"] as const;

/** `--time`: how human output prints timestamps. */
export function timeOption<T>(y: Argv<T>) {
  return y.option("time", {
    type: "string",
    choices: TIME_STYLES,
    describe: "Timestamps in human output: ISO 8601 UTC (default), local time, or epoch seconds",
  });
}

/** `--follow`, `--output` and `--time` of the `inspect` listings. */
export function streamListingOptions<T>(y: Argv<T>) {
  return timeOption(y)
    .option("follow", {
      alias: "f",
      type: "boolean",
      describe:
        "Print what is there (per --limit), then each new record as it is appended, until Ctrl-C",
    })
    .option("output", {
      type: "string",
      choices: LISTING_OUTPUTS,
      describe: "text (default), json (one document, as --json) or ndjson (one record per line)",
    });
}

/** Flags of `papyra export`. */
export function exportOptions<T>(y: Argv<T>) {
  return y
    .option("kind", {
      type: "string",
      array: true,
      choices: RECORD_KINDS,
      describe: "Only these kinds (repeatable; default all)",
    })
    .option("since", {
      type: "string",
      describe: "From this time: epoch seconds, ISO-8601, or a duration ago (15m, 2h, 7d)",
    })
    .option("until", { type: "string", describe: "Up to this time (same forms as --since)" })
    .option("output", {
      alias: "o",
      type: "string",
      describe: "Write to this file (replaced atomically when complete) instead of stdout",
    })
    .option("allow-missing", {
      type: "boolean",
      describe: 'No store at the location is no error: exit 0 saying "no store yet"',
    });
}

/** Flags of `papyra import`. */
export function importOptions<T>(y: Argv<T>) {
  return y
    .positional("file", {
      type: "string",
      describe:
        "NDJSON export, a Papyra or Python store file (a rotation set is read whole), or - for stdin",
    })
    .option("dry-run", {
      type: "boolean",
      describe: "Validate every line and report; write nothing",
    })
    .option("single-file", {
      type: "boolean",
      describe: "Read only FILE, even when FILE.1, FILE.2 ... exist beside it",
    });
}
