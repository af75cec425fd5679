import type { StartupCheckArgs } from "../../actions/startup-check.js";
import { startupOptions } from "../../cli-options.js";
import type { CommandArgs, CommandDefinition } from "../command.js";

/** `papyra persistence startup-check`: the check an application runs before it opens its store. */
export const command: CommandDefinition = {
  words: ["persistence", "startup-check"],
  describe: "Run the startup check (default mode fail_on_anomaly)",
  builder: (y) => startupOptions(y, "fail_on_anomaly"),
  examples: [
    [
      "$0 persistence startup-check --path var/app.ndjson",
      "The check an application runs before opening its store: exit 1 on anomalies",
    ],
    [
      "$0 persistence startup-check --mode recover --recovery-mode repair --timeout-ms 30000",
      "Repair what is found; exit 69 if it takes over 30 seconds",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/startup-check.js")).startupCheckCommand(
      context,
      args as StartupCheckArgs & CommandArgs,
      false,
    ),
};
