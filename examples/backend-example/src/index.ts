import { resolve } from "node:path";
import { BACKEND_CONTRACT_VERSION, type BackendDefinition, defineBackend } from "@papyra/core";
import type { z } from "zod";
import { openDirectoryStore } from "./directory-store.js";
import { exampleOptionsSchema } from "./options.js";

export { DirectoryStore, openDirectoryStore } from "./directory-store.js";
export {
  type DirectoryStoreOptions,
  directoryStoreOptionsSchema,
  exampleOptionsSchema,
} from "./options.js";

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
