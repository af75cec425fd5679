import { resolve } from "node:path";
import { BACKEND_CONTRACT_VERSION, defineBackend, retentionPolicySchema } from "@papyra/core";
import { z } from "zod";
import { openJsonStore } from "./store.js";

/** The backend definition the `papyra` CLI loads: `--backend json --path FILE`. */
export const backend = defineBackend({
  contractVersion: BACKEND_CONTRACT_VERSION,
  name: "json",
  description:
    "One NDJSON file on local disk, with group commit, a writer lock, scan, recovery and compaction.",
  optionsSchema: z.object({
    path: z.string().min(1).describe("Path of the NDJSON store file (its directory must exist)"),
    durability: z
      .enum(["os", "fsync"])
      .optional()
      .describe('"os" (default): survive a process crash; "fsync": survive power loss'),
    retention: retentionPolicySchema
      .optional()
      .describe("Retention policy: maxRecords, maxAgeSeconds, maxTotalBytes"),
  }),
  create: (options, context) =>
    openJsonStore({
      ...options,
      path: resolve(context.cwd, options.path),
      readOnly: context.readOnly,
    }),
});
