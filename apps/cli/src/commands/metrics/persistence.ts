import { storeOptions } from "../../cli-options.js";
import type { CommandDefinition } from "../command.js";

/** `papyra metrics persistence`: the durable counters of the store. */
export const command: CommandDefinition = {
  words: ["metrics", "persistence"],
  describe: "Counters kept by the store across processes since the last reset",
  builder: (y) =>
    storeOptions(y).option("format", {
      choices: ["human", "json", "prometheus"] as const,
      default: "human",
      describe:
        "human; json (the --json document); prometheus (text exposition format, for node_exporter's textfile collector)",
    }),
  handler: async (context, args) =>
    (await import("../../actions/metrics.js")).metricsCommand(context, args),
};
