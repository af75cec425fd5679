import { compactOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra persistence compact`: removes what retention excludes. */
export const command: CommandDefinition = {
  words: ["persistence", "compact"],
  describe: "Remove what retention excludes and print the report",
  builder: compactOptions,
  examples: [
    [
      "$0 persistence compact --dry-run",
      "Show what compaction would remove and how many bytes it would reclaim",
    ],
    [
      "$0 persistence compact --json-retention-max-age-seconds 604800",
      "Compact ./papyra.ndjson keeping only the last 7 days",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/persistence.js")).compactCommand(context, args),
};
