import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra metrics reset`: zeroes the durable counters. */
export const command: CommandDefinition = {
  words: ["metrics", "reset"],
  describe: "Zero the durable counters",
  builder: storeOptions,
  handler: async (context, args) =>
    (await import("../../actions/metrics.js")).metricsResetCommand(context, args),
};
