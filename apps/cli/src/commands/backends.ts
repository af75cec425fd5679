import type { CommandDefinition } from "./command.js";

/** `papyra backends`: the backend packages found, from where, with their capabilities. */
export const command: CommandDefinition = {
  words: ["backends"],
  describe: "Backend packages found, from where, with capabilities",
  handler: async (context) => (await import("../actions/backends.js")).backendsCommand(context),
};
