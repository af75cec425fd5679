import { resolve } from "node:path";
import { BACKEND_CONTRACT_VERSION, type BackendDefinition, defineBackend } from "@papyra/core";
import type { z } from "zod";
import { jsonBackendOptionsSchema } from "./options.js";
import { openJsonStore } from "./store.js";

/** The backend definition the `papyra` CLI loads: `--backend json --path FILE`. */
export const backend: BackendDefinition<z.output<typeof jsonBackendOptionsSchema>> = defineBackend({
  contractVersion: BACKEND_CONTRACT_VERSION,
  name: "json",
  description:
    "One NDJSON file on local disk, with group commit, a writer lock, scan, recovery and compaction.",
  optionsSchema: jsonBackendOptionsSchema,
  create: (options, context) =>
    openJsonStore({
      ...options,
      path: resolve(context.cwd, options.path),
      readOnly: context.readOnly,
    }),
});
