import { BACKEND_CONTRACT_VERSION, type BackendDefinition, defineBackend } from "@papyra/core";
import { createMemoryBackend } from "./memory-backend.js";
import { type MemoryBackendOptions, memoryOptionsSchema } from "./options.js";

export { type MemoryOptions, memoryOptionsSchema } from "./options.js";

/** The definition the CLI loads to find and configure this backend. */
export const backend: BackendDefinition<MemoryBackendOptions> = defineBackend<MemoryBackendOptions>(
  {
    contractVersion: BACKEND_CONTRACT_VERSION,
    name: "memory",
    description:
      "In-process memory store (lost when the process exits); retention enforced on write.",
    optionsSchema: memoryOptionsSchema,
    create: async (options) => createMemoryBackend(options),
  },
);
