import type { CommandDefinition } from "./command.js";

/** `papyra backends`: the backend packages found, from where, with their capabilities. */
export const command: CommandDefinition = {
  words: ["backends"],
  describe: "Backend packages found, from where, with capabilities",
  examples: [
    ["$0 backends", "Which backend packages are found, from where, with what capabilities"],
    ["$0 backends --json", "The same as one JSON document"],
  ],
  handler: async (context) => (await import("../actions/backends.js")).backendsCommand(context),
};
