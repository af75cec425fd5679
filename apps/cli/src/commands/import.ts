import { importOptions } from "../stream-options.js";
import type { CommandDefinition } from "./command.js";

/** `papyra import FILE|-`: records from an export or a file store into the selected store. */
export const command: CommandDefinition = {
  words: ["import"],
  positionals: "<file>",
  describe: "Write records from an NDJSON export or a file store (or - for stdin) into the store",
  builder: (y) => importOptions(y),
  handler: async (context, args) =>
    (await import("../actions/import.js")).importCommand(context, args),
  examples: [
    ["papyra import all.ndjson --path ./copy.ndjson", "Import an export into a JSON store"],
    ["papyra export --path a.ndjson | papyra import - --backend redis", "Move a store to Redis"],
  ],
};
