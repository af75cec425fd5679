import type { RecoverArgs } from "../../actions/persistence.js";
import { recoverOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra persistence recover`: recovery (default repair), then a scan. */
export const command: CommandDefinition = {
  words: ["persistence", "recover"],
  describe: "Recover (default repair), then scan; exit 2 if anything remains",
  builder: recoverOptions,
  examples: [
    [
      "$0 persistence recover --dry-run",
      "Show what repair would change in ./papyra.ndjson; change nothing",
    ],
    [
      "$0 persistence recover --path var/app.ndjson",
      "Repair: drop damaged lines, keep every record",
    ],
    [
      "$0 persistence recover --mode quarantine --quarantine-dir var/quarantine",
      "Move damaged lines aside into var/quarantine instead of dropping them",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/persistence.js")).recoverCommand(context, args as RecoverArgs),
};
