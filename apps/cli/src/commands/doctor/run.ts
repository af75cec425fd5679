import type { StartupCheckArgs } from "../../actions/startup-check.js";
import { startupOptions } from "../../cli-options.js";
import type { CommandArgs, CommandDefinition } from "../command.js";

/** `papyra doctor run`: the startup check in scan-only mode, as a health report. */
export const command: CommandDefinition = {
  words: ["doctor", "run"],
  describe: "Run the startup check (default mode scan_only) and report",
  builder: (y) => startupOptions(y, "scan_only"),
  handler: async (context, args) =>
    (await import("../../actions/startup-check.js")).startupCheckCommand(
      context,
      args as StartupCheckArgs & CommandArgs,
      true,
    ),
};
