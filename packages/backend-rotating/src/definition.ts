import { resolve } from "node:path";
import { BACKEND_CONTRACT_VERSION, type BackendDefinition, defineBackend } from "@papyra/core";
import type { z } from "zod";
import { rotatingBackendOptionsSchema } from "./options.js";
import { openRotatingStore } from "./store.js";

/** The backend definition the `papyra` CLI loads: `--backend rotating --path FILE`. */
export const backend: BackendDefinition<z.output<typeof rotatingBackendOptionsSchema>> =
  defineBackend({
    contractVersion: BACKEND_CONTRACT_VERSION,
    name: "rotating",
    description:
      "NDJSON segments on local disk rotated by size (PATH, PATH.1 … PATH.(maxFiles-1)); disk use bounded by maxBytes × maxFiles.",
    optionsSchema: rotatingBackendOptionsSchema,
    create: (options, context) =>
      openRotatingStore({
        ...options,
        path: resolve(context.cwd, options.path),
        readOnly: context.readOnly,
      }),
  });
