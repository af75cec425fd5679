import { listingOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra inspect audits`: lists audit snapshots. */
export const command: CommandDefinition = {
  words: ["inspect", "audits"],
  describe: "List audit snapshots",
  builder: (y) => listingOptions(y),
  examples: [
    ["$0 inspect audits --limit 1", "The newest audit snapshot"],
    [
      "$0 inspect audits --since 2026-11-30T08:00:00Z --until 2026-11-30T09:00:00Z",
      "Audits taken within one hour (ISO-8601 times)",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/inspect.js")).inspectAuditsCommand(context, args),
};
