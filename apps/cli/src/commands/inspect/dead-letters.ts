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
  examples: [
    ["$0 inspect dead-letters --since 15m", "Dead letters of the last 15 minutes"],
    [
      "$0 inspect dead-letters --message-type ChargeCard --limit 5 --json",
      "The newest 5 undelivered ChargeCard messages, as JSON",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectDeadLettersCommand(context, args),
};
