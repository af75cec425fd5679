import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra persistence inspect`: counts, time span, capabilities and retention of the store. */
export const command: CommandDefinition = {
  words: ["persistence", "inspect"],
  describe: "What the store holds: counts, time span, capabilities, retention",
  builder: (y) =>
    storeOptions(y).option("show-metrics", {
      type: "boolean",
      describe: "Also show the durable metrics",
    }),
  handler: async (context, args) =>
    (await import("../../actions/persistence.js")).persistenceInspectCommand(context, args),
};
