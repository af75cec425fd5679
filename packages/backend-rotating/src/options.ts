import {
  PersistenceConfigurationError,
  type RetentionPolicy,
  retentionPolicySchema,
  toValidationIssues,
} from "@papyra/core";
import { z } from "zod";

/** Default size of one segment: 10 MiB. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** Default number of files in the set: the active file plus four rotated ones. */
export const DEFAULT_MAX_FILES = 5;

/** Options of {@link openRotatingStore}. */
export interface RotatingStoreOptions {
  /** Path of the active segment; rotated segments are `path.1` (newest) … `path.(maxFiles-1)`. */
  path: string;
  /** Size limit of one segment in bytes (default 10 MiB). A larger record gets a segment of its own. */
  maxBytes?: number;
  /** Number of files in the set, the active one included (default 5, at least 2). */
  maxFiles?: number;
  /** `"os"` (default): resolved once handed to the OS. `"fsync"`: resolved once on disk. */
  durability?: "os" | "fsync";
  /** Retention applied on every read and physically by `compact()`. */
  retention?: RetentionPolicy;
  /** Open without the writer lock: reading, scanning and inspecting only (compaction and recovery take the lock themselves). */
  readOnly?: boolean;
}

/** Options with defaults filled in. */
export interface ResolvedRotatingOptions {
  path: string;
  maxBytes: number;
  maxFiles: number;
  durability: "os" | "fsync";
  retention: RetentionPolicy;
  readOnly: boolean;
}

/** Field schemas shared by {@link rotatingOptionsSchema} and the backend definition. */
export const rotatingOptionFields = {
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
};

/** zod schema of {@link RotatingStoreOptions}; unknown keys are errors so typos do not pass. */
export const rotatingOptionsSchema = z.strictObject({
  ...rotatingOptionFields,
  retention: retentionPolicySchema.optional(),
  readOnly: z.boolean({ error: "readOnly must be true or false" }).optional(),
});

/** Validates options and fills in defaults; throws PersistenceConfigurationError listing every bad field. */
export function resolveOptions(raw: unknown): ResolvedRotatingOptions {
  const result = rotatingOptionsSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new PersistenceConfigurationError(
      "Invalid options for the rotating file store:",
      toValidationIssues(result.error),
    );
  }
  const o = result.data;
  return {
    path: o.path,
    maxBytes: o.maxBytes ?? DEFAULT_MAX_BYTES,
    maxFiles: o.maxFiles ?? DEFAULT_MAX_FILES,
    durability: o.durability ?? "os",
    retention: o.retention ?? {},
    readOnly: o.readOnly ?? false,
  };
}
