import { resolve } from "node:path";
import { BACKEND_CONTRACT_VERSION, defineBackend, retentionPolicySchema } from "@papyra/core";
import { z } from "zod";
import { rotatingOptionFields } from "./options.js";
import { openRotatingStore } from "./store.js";

/** The backend definition the `papyra` CLI loads: `--backend rotating --path FILE`. */
export const backend = defineBackend({
  contractVersion: BACKEND_CONTRACT_VERSION,
  name: "rotating",
  description:
    "NDJSON segments on local disk rotated by size (PATH, PATH.1 … PATH.(maxFiles-1)); disk use bounded by maxBytes × maxFiles.",
  optionsSchema: z.object({
    ...rotatingOptionFields,
    retention: retentionPolicySchema
      .optional()
      .describe("Retention policy: maxRecords, maxAgeSeconds, maxTotalBytes"),
  }),
  create: (options, context) =>
    openRotatingStore({
      ...options,
      path: resolve(context.cwd, options.path),
      readOnly: context.readOnly,
    }),
});
