import type { StartupCheckArgs } from "../../actions/startup-check.js";
import { startupOptions } from "../../cli-options.js";
import type { CommandArgs, CommandDefinition } from "../command.js";

/** `papyra persistence startup-check`: the check an application runs before it opens its store. */
export const command: CommandDefinition = {
  words: ["persistence", "startup-check"],
  describe: "Run the startup check (default mode fail_on_anomaly)",
  builder: (y) => startupOptions(y, "fail_on_anomaly"),
  handler: async (context, args) =>
    (await import("../../actions/startup-check.js")).startupCheckCommand(
      context,
      args as StartupCheckArgs & CommandArgs,
      false,
    ),
};
