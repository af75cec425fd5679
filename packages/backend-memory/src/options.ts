import { retentionPolicySchema } from "@papyra/core";
import { z } from "zod";

/** zod schema of the memory backend's options: the one its definition publishes and it validates with. */
export const memoryOptionsSchema: z.ZodObject<{
  retention: z.ZodOptional<typeof retentionPolicySchema>;
}> = z.object({
  retention: retentionPolicySchema
    .optional()
    .describe("Retention per kind: { maxRecords?, maxAgeSeconds?, maxTotalBytes? }"),
});

/** Options of `createMemoryBackend`, as its schema accepts them. */
export type MemoryBackendOptions = z.input<typeof memoryOptionsSchema>;

/** The memory backend's options once validated. */
export type MemoryOptions = z.output<typeof memoryOptionsSchema>;
