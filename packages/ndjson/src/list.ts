import {
  hasRetentionRules,
  inTimeWindow,
  type NormalizedListQuery,
  nowSeconds,
  type RecordKind,
  type RetentionPolicy,
  type StoredRecordByKind,
  TailRetention,
} from "@papyra/core";
import { decodeLineBytes } from "./decode.js";
import { readLinesBackward } from "./read-lines.js";

/** Options of {@link listFromTail}. */
export interface ListFromTailOptions {
  retention?: RetentionPolicy;
  /** Epoch seconds used by the age rule. Default: now. */
  now?: number;
  maxLineBytes?: number;
  /** Called for every damaged line met on the way (reads skip them). */
  onDamagedLine?: () => void;
}

/**
 * Lists records of one kind from NDJSON files given NEWEST FIRST (for one file, `[path]`; for a
 * rotation set, `[path, path.1, ...]`), reading each backwards from its end. Retention is
 * applied newest first ({@link TailRetention}), then the time window, then `limit`; reading
 * stops once `limit` matches are found or retention has excluded everything older, so work is
 * proportional to what is returned, not to the store's size. Missing files count as empty.
 * Damaged lines are skipped; a complete record on an unterminated last line is returned.
 */
export async function listFromTail<K extends RecordKind>(
  filesNewestFirst: readonly string[],
  kind: K,
  query: NormalizedListQuery,
  options: ListFromTailOptions = {},
): Promise<StoredRecordByKind[K][]> {
  if (query.limit === 0) return [];
  const retention =
    options.retention && hasRetentionRules(options.retention)
      ? new TailRetention(options.retention, options.now ?? nowSeconds())
      : null;
  const newestFirst: StoredRecordByKind[K][] = [];
  const kinds = [kind];
  outer: for (const file of filesNewestFirst) {
    try {
      for await (const raw of readLinesBackward(file, { maxLineBytes: options.maxLineBytes })) {
        // Cheap pre-filter: a line without the kind's name (and without \u escapes that could
        // spell it) cannot be of this kind, so it is skipped without parsing.
        if (raw.bytes !== null && raw.bytes.indexOf(kind) === -1 && raw.bytes.indexOf("\\u") === -1)
          continue;
        const decoded = decodeLineBytes(raw.bytes);
        if (decoded.type === "corrupt" || decoded.type === "invalid") {
          if (raw.terminated) options.onDamagedLine?.();
          continue;
        }
        if (decoded.type !== "record" || decoded.kind !== kind) continue;
        if (
          retention &&
          !retention.admit({ kind, timestamp: decoded.timestamp, bytes: raw.length + 1 })
        ) {
          if (retention.exhausted(kinds)) break outer;
          continue;
        }
        if (!inTimeWindow(decoded.timestamp, query)) continue;
        newestFirst.push(decoded.record as StoredRecordByKind[K]);
        if (query.limit !== undefined && newestFirst.length >= query.limit) break outer;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
  }
  return query.reverse ? newestFirst : newestFirst.reverse();
}
