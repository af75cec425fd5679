import { compactOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra persistence compact`: removes what retention excludes. */
export const command: CommandDefinition = {
  words: ["persistence", "compact"],
  describe: "Remove what retention excludes and print the report",
  builder: compactOptions,
  handler: async (context, args) =>
    (await import("../../actions/persistence.js")).compactCommand(context, args),
};
