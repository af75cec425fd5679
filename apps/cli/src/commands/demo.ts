import type { CommandDefinition } from "./command.js";

/** `papyra demo`: records a simulated actor system, then checks and summarises it. */
export const command: CommandDefinition = {
  words: ["demo"],
  describe: "Record a simulated actor system into a JSON store, then run doctor and summary on it",
  builder: (y) =>
    y
      .option("force", { type: "boolean", describe: "Append to an existing store file" })
      .option("seed", {
        type: "number",
        describe: "Seed of the simulation, a whole number (default 7)",
      }),
  examples: [
    ["$0 demo", "Record an hour of a simulated shop into ./papyra.ndjson, then check it"],
    ["$0 demo --path /tmp/shop.ndjson --seed 42", "Another simulation, into another file"],
  ],
  handler: async (context, args) => (await import("../actions/demo.js")).demoCommand(context, args),
};
