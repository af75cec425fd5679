import type { RecoverArgs } from "../../actions/persistence.js";
import { recoverOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra persistence recover`: recovery (default repair), then a scan. */
export const command: CommandDefinition = {
  words: ["persistence", "recover"],
  describe: "Recover (default repair), then scan; exit 2 if anything remains",
  builder: recoverOptions,
  handler: async (context, args) =>
    (await import("../../actions/persistence.js")).recoverCommand(context, args as RecoverArgs),
};
