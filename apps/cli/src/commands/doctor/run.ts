import type { StartupCheckArgs } from "../../actions/startup-check.js";
import { startupOptions } from "../../cli-options.js";
import type { CommandArgs, CommandDefinition } from "../command.js";

/** `papyra doctor run`: the startup check in scan-only mode, as a health report. */
export const command: CommandDefinition = {
  words: ["doctor", "run"],
  describe: "Run the startup check (default mode scan_only) and report",
  builder: (y) => startupOptions(y, "scan_only"),
  examples: [
    ["$0 doctor run", "Health report of ./papyra.ndjson (or the store the config file names)"],
    [
      "$0 doctor run --path var/app.ndjson --full --json",
      "Verify every record, not only what was written since the last clean scan; print JSON",
    ],
    [
      "$0 doctor run --backend redis --redis-url redis://127.0.0.1:6379/0 --timeout-ms 5000",
      "Check a Redis store; give up (exit 69) after 5 seconds",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/startup-check.js")).startupCheckCommand(
      context,
      args as StartupCheckArgs & CommandArgs,
      true,
    ),
};
