import { z } from "zod";
import type { ListQuery } from "./backend.js";
import { parseOrThrow } from "./validation.js";

/** zod schema of {@link ListQuery}: limit a non-negative integer, since/until finite seconds. */
export const listQuerySchema: z.ZodType<ListQuery> = z
  .strictObject({
    limit: z
      .number({ error: "limit must be a number" })
      .int("limit must be a whole number")
      .nonnegative("limit must not be negative")
      .optional(),
    since: z.number().finite("since must be finite epoch seconds").optional(),
    until: z.number().finite("until must be finite epoch seconds").optional(),
    reverse: z.boolean().optional(),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, {
    message: "since must not be after until",
    path: ["since"],
  });

/** A validated list query with defaults filled in. */
export interface NormalizedListQuery {
  limit: number | undefined;
  since: number | undefined;
  until: number | undefined;
  reverse: boolean;
}

/** Validates a list query; throws PersistenceValidationError naming each bad field. */
export function normalizeListQuery(query: ListQuery | undefined): NormalizedListQuery {
  const q = parseOrThrow(listQuerySchema, query ?? {}, "list query");
  return { limit: q.limit, since: q.since, until: q.until, reverse: q.reverse ?? false };
}

/** Whether a record's timestamp lies within the query's `since`/`until` window (inclusive). */
export function inTimeWindow(timestamp: number, query: NormalizedListQuery): boolean {
  if (query.since !== undefined && !(timestamp >= query.since)) return false;
  if (query.until !== undefined && !(timestamp <= query.until)) return false;
  return true;
}

/**
 * Finishes a listing from matching records in stored order (oldest first): keeps the newest
 * `limit` and applies `reverse`. Takes ownership of the array.
 */
export function finishListing<T>(matches: T[], query: NormalizedListQuery): T[] {
  let out = matches;
  if (query.limit !== undefined && out.length > query.limit) {
    out = query.limit === 0 ? [] : out.slice(out.length - query.limit);
  }
  return query.reverse ? out.reverse() : out;
}
