import type { CommandDefinition } from "./command.js";

/** `papyra demo`: records a simulated actor system, then checks and summarises it. */
export const command: CommandDefinition = {
  words: ["demo"],
  describe: "Record a simulated actor system into a JSON store, then run doctor and summary on it",
  builder: (y) =>
    y
      .option("force", { type: "boolean", describe: "Append to an existing store file" })
      .option("seed", { type: "string", describe: "Seed of the simulation (default 7)" }),
  handler: async (context, args) => (await import("../actions/demo.js")).demoCommand(context, args),
};
