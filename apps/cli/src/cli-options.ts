import { RECOVERY_MODES, STARTUP_MODES } from "@papyra/core";
import type { Argv } from "yargs";
import { streamListingOptions } from "./stream-options.js";

/** `--allow-missing`, on every command that opens a store. */
export function storeOptions<T>(y: Argv<T>) {
  return y.option("allow-missing", {
    type: "boolean",
    describe: 'No store at the location is no error: exit 0 saying "no store yet"',
  });
}

/** `--force`: rewrite even what does not look like a store. */
function forceOption<T>(y: Argv<T>, what: string) {
  return y.option("force", {
    type: "boolean",
    describe: `${what} even data that does not look like a Papyra store (refused otherwise, exit 65)`,
  });
}

/** Flags of the `inspect` listings. */
export function listingOptions<T>(y: Argv<T>) {
  return streamListingOptions(storeOptions(y))
    .option("limit", {
      type: "number",
      describe: "Keep the newest N matching records (a whole number, 0 or more)",
    })
    .option("since", {
      type: "string",
      describe: "From this time: epoch seconds, ISO-8601, or a duration ago (15m, 2h, 7d)",
    })
    .option("until", { type: "string", describe: "Up to this time (same forms as --since)" })
    .option("reverse", { type: "boolean", describe: "Newest first" });
}

/** Flags of `doctor run` and `persistence startup-check`. */
export function startupOptions<T>(y: Argv<T>, defaultMode: string) {
  return forceOption(storeOptions(y), "In recover mode, repair")
    .option("mode", { choices: STARTUP_MODES, default: defaultMode, describe: "Startup mode" })
    .option("recovery-mode", {
      choices: RECOVERY_MODES,
      describe: "Recovery used by --mode recover (default repair)",
    })
    .option("quarantine-dir", {
      type: "string",
      describe: "Where quarantine copies damaged originals",
    })
    .option("full", {
      type: "boolean",
      describe: "Verify everything, not only what was written since the last clean scan",
    })
    .option("timeout-ms", {
      type: "number",
      describe: "Give up after this many milliseconds (a whole number above 0)",
    });
}

/** Flags of `persistence recover`. */
export function recoverOptions<T>(y: Argv<T>) {
  return forceOption(storeOptions(y), "Repair")
    .option("mode", { choices: RECOVERY_MODES, default: "repair", describe: "Recovery mode" })
    .option("quarantine-dir", {
      type: "string",
      describe: "Where quarantine copies damaged originals",
    })
    .option("dry-run", {
      type: "boolean",
      describe: "Report what recovery would do; change nothing",
    });
}

/** Flags of `persistence compact`. */
export function compactOptions<T>(y: Argv<T>) {
  return forceOption(storeOptions(y), "Compact").option("dry-run", {
    type: "boolean",
    describe: "Report what compaction would remove and reclaim; change nothing",
  });
}
