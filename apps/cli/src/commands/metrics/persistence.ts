import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra metrics persistence`: the durable counters of the store. */
export const command: CommandDefinition = {
  words: ["metrics", "persistence"],
  describe: "Counters kept by the store across processes since the last reset",
  builder: storeOptions,
  handler: async (context, args) =>
    (await import("../../actions/metrics.js")).metricsCommand(context, args),
};
