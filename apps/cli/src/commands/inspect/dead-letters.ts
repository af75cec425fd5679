import { listingOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra inspect dead-letters`: lists dead letters. */
export const command: CommandDefinition = {
  words: ["inspect", "dead-letters"],
  describe: "List dead letters",
  builder: (y) =>
    listingOptions(y)
      .option("message-type", {
        type: "string",
        array: true,
        describe: "Only these message types",
      })
      .option("target", {
        type: "string",
        array: true,
        describe: "Only letters to these actors",
      }),
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectDeadLettersCommand(context, args),
};
