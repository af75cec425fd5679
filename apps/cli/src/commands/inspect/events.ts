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
  examples: [
    ["$0 inspect events --limit 20", "The newest 20 lifecycle events"],
    ["$0 inspect events --event-type ActorCrashed --since 2h", "Crashes in the last two hours"],
    [
      "$0 inspect events --target shop:email-worker-1 --reverse --json",
      "Events of one actor, newest first, as JSON",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectEventsCommand(context, args),
};
