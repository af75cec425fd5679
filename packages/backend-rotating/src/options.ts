import { parseOptions, type RetentionPolicy, retentionPolicySchema } from "@papyra/core";
import { z } from "zod";

/** Default size of one segment: 10 MiB. */
export const DEFAULT_MAX_BYTES: number = 10 * 1024 * 1024;

/** Default number of files in the set: the active file plus four rotated ones. */
export const DEFAULT_MAX_FILES: number = 5;

/** Options with defaults filled in. */
export interface ResolvedRotatingOptions {
  path: string;
  maxBytes: number;
  maxFiles: number;
  durability: "os" | "fsync";
  retention: RetentionPolicy;
  readOnly: boolean;
}

/** The field schemas of the rotating store's options. */
export type RotatingOptionFields = {
  path: z.ZodString;
  maxBytes: z.ZodOptional<z.ZodNumber>;
  maxFiles: z.ZodOptional<z.ZodNumber>;
  durability: z.ZodOptional<z.ZodEnum<{ os: "os"; fsync: "fsync" }>>;
  retention: z.ZodOptional<z.ZodType<RetentionPolicy>>;
};

/** Field schemas shared by {@link rotatingOptionsSchema} and the backend definition. */
export const rotatingOptionFields: RotatingOptionFields = {
  path: z
    .string({ error: "path must be a string" })
    .min(1, "path must not be empty")
    .describe("Path of the active segment; rotated files are PATH.1 (newest) to PATH.(maxFiles-1)"),
  maxBytes: z
    .number({ error: "maxBytes must be a number of bytes" })
    .int("maxBytes must be a whole number of bytes")
    .positive("maxBytes must be greater than 0")
    .optional()
    .describe("Size limit of one segment in bytes (default 10485760 = 10 MiB)"),
  maxFiles: z
    .number({ error: "maxFiles must be a number" })
    .int("maxFiles must be a whole number")
    .min(2, "maxFiles must be at least 2 (the active file and one rotated file)")
    .optional()
    .describe("Number of files in the set, the active one included (default 5, at least 2)"),
  durability: z
    .enum(["os", "fsync"], { error: 'durability must be "os" or "fsync"' })
    .optional()
    .describe('"os" (default): survives a process crash; "fsync": survives power loss'),
  retention: retentionPolicySchema
    .optional()
    .describe("Retention policy: maxRecords, maxAgeSeconds, maxTotalBytes"),
};

/** The schema the backend definition publishes: the CLI's options, one flag per field. */
export const rotatingBackendOptionsSchema: z.ZodObject<RotatingOptionFields> =
  z.object(rotatingOptionFields);

/** zod schema of {@link RotatingStoreOptions}; unknown keys are errors so typos do not pass. */
export const rotatingOptionsSchema: z.ZodObject<
  RotatingOptionFields & { readOnly: z.ZodOptional<z.ZodBoolean> },
  z.core.$strict
> = z.strictObject({
  ...rotatingOptionFields,
  readOnly: z
    .boolean({ error: "readOnly must be true or false" })
    .optional()
    .describe(
      "Open without the writer lock: reading, scanning and inspecting only (compaction and recovery take the lock themselves)",
    ),
});

/** Options of `openRotatingStore`, as {@link rotatingOptionsSchema} accepts them. */
export type RotatingStoreOptions = z.input<typeof rotatingOptionsSchema>;

/** Validates options and fills in defaults; throws PersistenceConfigurationError listing every bad field. */
export function resolveOptions(raw: unknown): ResolvedRotatingOptions {
  const o = parseOptions(rotatingOptionsSchema, raw, "options for the rotating file store");
  return {
    path: o.path,
    maxBytes: o.maxBytes ?? DEFAULT_MAX_BYTES,
    maxFiles: o.maxFiles ?? DEFAULT_MAX_FILES,
    durability: o.durability ?? "os",
    retention: o.retention ?? {},
    readOnly: o.readOnly ?? false,
  };
}
