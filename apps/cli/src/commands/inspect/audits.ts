import { listingOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra inspect audits`: lists audit snapshots. */
export const command: CommandDefinition = {
  words: ["inspect", "audits"],
  describe: "List audit snapshots",
  builder: (y) => listingOptions(y),
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectAuditsCommand(context, args),
};
