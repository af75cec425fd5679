import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra metrics reset`: zeroes the durable counters. */
export const command: CommandDefinition = {
  words: ["metrics", "reset"],
  describe: "Zero the durable counters",
  builder: storeOptions,
  examples: [
    ["$0 metrics reset", "Zero the durable counters of ./papyra.ndjson"],
    [
      "$0 metrics reset --backend redis --redis-url redis://127.0.0.1:6379/0 --json",
      "Zero those of a Redis store; print JSON",
    ],
  ],
  handler: async (context, args) =>
    (await import("../../actions/metrics.js")).metricsResetCommand(context, args),
};
