import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra persistence scan`: a full scan; exit 2 when anything is found. */
export const command: CommandDefinition = {
  words: ["persistence", "scan"],
  describe: "Full scan; exit 2 if anything is found",
  builder: storeOptions,
  handler: async (context, args) =>
    (await import("../../actions/persistence.js")).scanCommand(context, args),
};
