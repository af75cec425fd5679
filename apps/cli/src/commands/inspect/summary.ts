import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra inspect summary`: the latest audit. */
export const command: CommandDefinition = {
  words: ["inspect", "summary"],
  describe: "The latest audit",
  builder: storeOptions,
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectSummaryCommand(context, args),
};
