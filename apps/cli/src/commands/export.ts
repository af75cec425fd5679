import { exportOptions } from "../stream-options.js";
import type { CommandDefinition } from "./command.js";

/** `papyra export`: every record of the store as NDJSON, streamed. */
export const command: CommandDefinition = {
  words: ["export"],
  describe: "Every record of the store as NDJSON (with kind), streamed: to stdout or --output FILE",
  builder: (y) => exportOptions(y),
  handler: async (context, args) =>
    (await import("../actions/export.js")).exportCommand(context, args),
  examples: [
    ["$0 export --output all.ndjson", "Write every record to all.ndjson"],
    ["$0 export --since 7d --kind dead_letter", "The last week's dead letters as NDJSON on stdout"],
  ],
};
