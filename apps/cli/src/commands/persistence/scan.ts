import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra persistence scan`: a full scan; exit 2 when anything is found. */
export const command: CommandDefinition = {
  words: ["persistence", "scan"],
  describe: "Full scan; exit 2 if anything is found",
  builder: storeOptions,
  examples: [
    [
      "$0 persistence scan --path var/app.ndjson",
      "Full scan of a JSON store file; exit 2 if anything is found",
    ],
    [
      "$0 persistence scan --backend rotating --path var/app.ndjson --json",
      "Scan every segment of a rotating store; print one JSON document",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/persistence.js")).scanCommand(context, args),
};
