import {
  type FollowOptions,
  type IterateQuery,
  isPapyraError,
  PersistenceUnavailableError,
  type RecordKind,
  type StoredRecordByKind,
  type StreamedRecord,
} from "@papyra/core";
import { ConsumerGroups } from "./consumer-groups.js";
import type { RedisCall, StoreContext } from "./context.js";
import { toSafeError } from "./safe-error.js";
import { followStream, iterateStreams } from "./streaming.js";

/** Names the store in a failed Redis call of a streamed read (the base counts the failure). */
async function* namingFailures<T>(
  context: StoreContext,
  records: AsyncIterable<T>,
): AsyncGenerator<T> {
  try {
    yield* records;
  } catch (error) {
    if (error instanceof Error && error.name === "AbortError") throw error;
    if (isPapyraError(error)) throw error;
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
export abstract class StreamReads extends ConsumerGroups {
  readonly #streamContext: StoreContext;

  /** `blocking` gives calls on a connection of the store's own for blocking reads. */
  protected constructor(context: StoreContext, blocking: () => RedisCall) {
    super(context, blocking);
    this.#streamContext = context;
  }

  /**
   * Adds a line another store holds as an entry's `data` field, as given (the field a record
   * read from any writer is stored in), when it decodes as a record: for import.
   */
  appendStoredLine(line: string): Promise<void> {
    return this.writeStoredLine(line);
  }

  /** Streams the selected kinds' records oldest first, a page at a time, within retention. */
  iterate(query?: IterateQuery): AsyncGenerator<StreamedRecord> {
    const context = this.#streamContext;
    return this.streamRecords("iterate", () =>
      namingFailures(context, iterateStreams(context, query)),
    );
  }

  /**
   * The stored backlog of `kind`, then each record added (XREAD BLOCK on a connection of the
   * follow's own), until `options.signal` aborts.
   */
  follow<K extends RecordKind>(
    kind: K,
    options: FollowOptions<K>,
  ): AsyncGenerator<StoredRecordByKind[K]> {
    const context = this.#streamContext;
    return this.streamRecords("follow", () =>
      namingFailures(context, followStream(context, kind, options)),
    );
  }
}
