import {
  type FollowOptions,
  type IterateQuery,
  PapyraError,
  PersistenceUnavailableError,
  type RecordKind,
  type StoredRecordByKind,
  type StreamedRecord,
} from "@papyra/core";
import { ConsumerGroups } from "./consumer-groups.js";
import type { RedisCall, StoreContext } from "./context.js";
import { toSafeError } from "./safe-error.js";
import { followStream, iterateStreams } from "./streaming.js";

/** Counts what a streamed read yields as `records_read`, and a failure as `read_errors`. */
async function* countedReads<T>(
  context: StoreContext,
  records: AsyncIterable<T>,
): AsyncGenerator<T> {
  try {
    for await (const record of records) {
      context.metrics.increment("records_read");
      yield record;
    }
  } catch (error) {
    if (error instanceof Error && error.name === "AbortError") throw error;
    context.metrics.increment("read_errors");
    if (error instanceof PapyraError) throw error;
    // The gate's errors are already safe (password masked); say which store could not be read.
    const cause = toSafeError(error, context.secrets);
    throw new PersistenceUnavailableError(
      `Could not read the store in Redis (${context.location}): ${cause.message}`,
      { cause },
    );
  }
}

/**
 * The store's streamed reads (`iterate`, `follow`) on top of its consumer-group access: the
 * optional streaming capabilities of @papyra/core's contract.
 */
export class StreamReads extends ConsumerGroups {
  readonly #streamContext: StoreContext;

  /** `blocking` gives calls on a connection of the store's own for blocking reads. */
  constructor(context: StoreContext, blocking: () => RedisCall) {
    super(context, blocking);
    this.#streamContext = context;
  }

  /** Streams the selected kinds' records oldest first, a page at a time, within retention. */
  iterate(query?: IterateQuery): AsyncGenerator<StreamedRecord> {
    return countedReads(this.#streamContext, iterateStreams(this.#streamContext, query));
  }

  /**
   * The stored backlog of `kind`, then each record added (XREAD BLOCK on a connection of the
   * follow's own), until `options.signal` aborts.
   */
  follow<K extends RecordKind>(
    kind: K,
    options: FollowOptions<K>,
  ): AsyncGenerator<StoredRecordByKind[K]> {
    return countedReads(this.#streamContext, followStream(this.#streamContext, kind, options));
  }
}
