import { listingOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra inspect events`: lists lifecycle events. */
export const command: CommandDefinition = {
  words: ["inspect", "events"],
  describe: "List lifecycle events",
  builder: (y) =>
    listingOptions(y)
      .option("event-type", {
        type: "string",
        array: true,
        describe: "Only these event types",
      })
      .option("target", {
        type: "string",
        array: true,
        describe: "Only these actors (system:actor_id or actor_id)",
      }),
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectEventsCommand(context, args),
};
