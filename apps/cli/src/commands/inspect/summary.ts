import { storeOptions } from "../../cli-options.js";
import { timeOption } from "../../stream-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra inspect summary`: the latest audit. */
export const command: CommandDefinition = {
  words: ["inspect", "summary"],
  describe: "The latest audit",
  builder: (y) => timeOption(storeOptions(y)),
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectSummaryCommand(context, args),
};
