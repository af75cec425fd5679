import { type RetentionPolicy, retentionPolicySchema } from "@papyra/core";
import { z } from "zod";

/** The field schemas of the example store's options that are CLI flags. */
export type ExampleOptionFields = {
  dir: z.ZodString;
  retention: z.ZodOptional<z.ZodType<RetentionPolicy>>;
};

const exampleOptionFields: ExampleOptionFields = {
  dir: z
    .string()
    .min(1, "dir must not be empty")
    .describe("Store directory (one JSON file per record)"),
  retention: retentionPolicySchema.optional().describe("Retention policy"),
};

/** The options the `papyra` CLI accepts for this backend: `--example-dir DIR`. */
export const exampleOptionsSchema: z.ZodObject<ExampleOptionFields, z.core.$strict> =
  z.strictObject(exampleOptionFields);

/** What `openDirectoryStore` validates with: the CLI's options plus `readOnly`. */
export const directoryStoreOptionsSchema: z.ZodObject<
  ExampleOptionFields & { readOnly: z.ZodOptional<z.ZodBoolean> },
  z.core.$strict
> = z.strictObject({
  ...exampleOptionFields,
  readOnly: z
    .boolean()
    .optional()
    .describe("Open for reading, scanning and maintenance only: record* reject"),
});

/** Options of `openDirectoryStore`. */
export type DirectoryStoreOptions = z.input<typeof directoryStoreOptionsSchema>;
