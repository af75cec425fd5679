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
    ["$0 import all.ndjson --path ./copy.ndjson", "Import an export into a JSON store"],
    [
      "$0 import all.ndjson --backend redis --redis-url redis://127.0.0.1:6379/0",
      "Move an export into Redis",
    ],
    ["$0 import old/papyra.log --dry-run", "Check a Python-written store's lines, writing nothing"],
  ],
};
