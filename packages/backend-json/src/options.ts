import { type RetentionPolicy, retentionPolicySchema } from "@papyra/core";
import { z } from "zod";

/** The field schemas of the JSON store's options that are CLI flags. */
export type JsonOptionFields = {
  path: z.ZodString;
  durability: z.ZodOptional<z.ZodEnum<{ os: "os"; fsync: "fsync" }>>;
  retention: z.ZodOptional<z.ZodType<RetentionPolicy>>;
};

/** Field schemas the backend definition publishes (CLI flags); `openJsonStore` adds its own. */
export const jsonOptionFields: JsonOptionFields = {
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
export const jsonBackendOptionsSchema: z.ZodObject<JsonOptionFields> = z.object(jsonOptionFields);

/**
 * zod schema of {@link JsonStoreOptions}, the one `openJsonStore` validates with: the
 * definition's fields plus `readOnly` and `maxLineBytes`; unknown keys are errors.
 */
export const jsonStoreOptionsSchema: z.ZodObject<
  JsonOptionFields & {
    readOnly: z.ZodOptional<z.ZodBoolean>;
    maxLineBytes: z.ZodOptional<z.ZodNumber>;
  },
  z.core.$strict
> = z.strictObject({
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
