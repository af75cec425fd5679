import { storeOptions } from "../../cli-options.js";
import { timeOption } from "../../stream-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra inspect summary`: the latest audit. */
export const command: CommandDefinition = {
  words: ["inspect", "summary"],
  describe: "The latest audit",
  builder: (y) => timeOption(storeOptions(y)),
  examples: [
    ["$0 inspect summary", "The latest audit of ./papyra.ndjson"],
    [
      "$0 inspect summary --backend rotating --path var/app.ndjson --json",
      "The latest audit of a rotating store, as JSON",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectSummaryCommand(context, args),
};
