import { type RetentionPolicy, retentionPolicySchema } from "@papyra/core";
import { z } from "zod";

/** Options of {@link openJsonStore}. */
export interface JsonStoreOptions {
  /** The NDJSON file. Its directory must exist; the file is created by a writer if missing. */
  path: string;
  /** `"os"` (default): resolve once handed to the OS; `"fsync"`: once on disk. */
  durability?: "os" | "fsync";
  /** Retention applied on every read and by `compact()`. */
  retention?: RetentionPolicy;
  /** Open without the writer lock: `record*` reject; list, scan, inspect work; compact/recover lock themselves. */
  readOnly?: boolean;
  /** Forward-scan and tail-read line size limit in bytes (longer lines are CORRUPTED_LINE). Default 16 MiB. */
  maxLineBytes?: number;
}

/** zod schema of {@link JsonStoreOptions}. */
export const jsonStoreOptionsSchema = z.strictObject({
  path: z.string().min(1, "path must not be empty"),
  durability: z
    .enum(["os", "fsync"], { error: () => 'durability must be "os" or "fsync"' })
    .optional(),
  retention: retentionPolicySchema.optional(),
  readOnly: z.boolean().optional(),
  maxLineBytes: z.number().int().positive().optional(),
});
