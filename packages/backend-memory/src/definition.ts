import { BACKEND_CONTRACT_VERSION, defineBackend, retentionPolicySchema } from "@papyra/core";
import { z } from "zod";
import { createMemoryBackend } from "./memory-backend.js";

/** zod schema of the memory backend's options. */
export const memoryOptionsSchema = z.object({
  retention: retentionPolicySchema
    .optional()
    .describe("Retention per kind: { maxRecords?, maxAgeSeconds?, maxTotalBytes? }"),
});

/** The memory backend's options, as its schema accepts them. */
export type MemoryOptions = z.infer<typeof memoryOptionsSchema>;

/** The definition the CLI loads to find and configure this backend. */
export const backend = defineBackend<MemoryOptions>({
  contractVersion: BACKEND_CONTRACT_VERSION,
  name: "memory",
  description:
    "In-process memory store (lost when the process exits); retention enforced on write.",
  optionsSchema: memoryOptionsSchema,
  create: async (options) => createMemoryBackend(options),
});
