import { resolve } from "node:path";
import {
  BACKEND_CONTRACT_VERSION,
  type BackendDefinition,
  defineBackend,
  type RetentionPolicy,
  retentionPolicySchema,
} from "@papyra/core";
import { z } from "zod";
import { openDirectoryStore } from "./directory-store.js";

export {
  DirectoryStore,
  type DirectoryStoreOptions,
  openDirectoryStore,
} from "./directory-store.js";

/** The options the `papyra` CLI accepts for this backend: `--example-dir DIR`. */
export const exampleOptionsSchema: z.ZodObject<
  { dir: z.ZodString; retention: z.ZodOptional<z.ZodType<RetentionPolicy>> },
  z.core.$strict
> = z.strictObject({
  dir: z
    .string()
    .min(1, "dir must not be empty")
    .describe("Store directory (one JSON file per record)"),
  retention: retentionPolicySchema.optional().describe("Retention policy"),
});

/**
 * The definition the CLI finds once this package is installed: `papyra --backend example
 * --example-dir ./store inspect events`, or `PAPYRA_EXAMPLE_DIR=./store`.
 */
export const backend: BackendDefinition<z.output<typeof exampleOptionsSchema>> = defineBackend({
  contractVersion: BACKEND_CONTRACT_VERSION,
  name: "example",
  description: "Example third-party backend: one JSON file per record in a directory.",
  optionsSchema: exampleOptionsSchema,
  env: { dir: "PAPYRA_EXAMPLE_DIR" },
  create: (options, context) =>
    openDirectoryStore({
      ...options,
      dir: resolve(context.cwd, options.dir),
      readOnly: context.readOnly,
    }),
});

export default backend;
