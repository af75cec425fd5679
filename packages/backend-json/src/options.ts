import { retentionPolicySchema } from "@papyra/core";
import { z } from "zod";

/** Field schemas the backend definition publishes (CLI flags); `openJsonStore` adds its own. */
export const jsonOptionFields = {
  path: z
    .string()
    .min(1, "path must not be empty")
    .describe("Path of the NDJSON store file (its directory must exist)"),
  durability: z
    .enum(["os", "fsync"], { error: () => 'durability must be "os" or "fsync"' })
    .optional()
    .describe('"os" (default): survive a process crash; "fsync": survive power loss'),
  retention: retentionPolicySchema
    .optional()
    .describe("Retention policy: maxRecords, maxAgeSeconds, maxTotalBytes"),
};

/** The schema the backend definition publishes: the CLI's options, one flag per field. */
export const jsonBackendOptionsSchema: z.ZodObject<typeof jsonOptionFields> =
  z.object(jsonOptionFields);

/**
 * zod schema of {@link JsonStoreOptions}, the one `openJsonStore` validates with: the
 * definition's fields plus `readOnly` and `maxLineBytes`; unknown keys are errors.
 */
export const jsonStoreOptionsSchema = z.strictObject({
  ...jsonOptionFields,
  readOnly: z
    .boolean()
    .optional()
    .describe(
      "Open without the writer lock: record* reject; list, scan, inspect work; compact/recover lock themselves",
    ),
  maxLineBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Forward-scan and tail-read line size limit in bytes (longer lines are CORRUPTED_LINE). Default 16 MiB",
    ),
});

/** Options of `openJsonStore`, as {@link jsonStoreOptionsSchema} accepts them. */
export type JsonStoreOptions = z.input<typeof jsonStoreOptionsSchema>;
