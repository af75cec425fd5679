import {
  decodeLine,
  type FollowOptions,
  type ListQuery,
  type RecordKind,
  type StoredRecordByKind,
  validateFollowOptions,
} from "@papyra/core";

type Listener = (kind: RecordKind, line: string) => void;

/** Tells followers of a memory backend about each record as it is stored. */
export class RecordFeed {
  readonly #listeners = new Set<Listener>();

  /** Called once a record is stored, with its stored line. */
  publish(kind: RecordKind, line: string): void {
    for (const listener of this.#listeners) listener(kind, line);
  }

  /** Calls `listener` for every record stored from now on; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Follows one kind of a memory backend: the backlog from `list` (filters before `limit`), then
 * each record stored, until the signal aborts. Subscribes before listing, in the same tick, so
 * nothing is missed or repeated.
 */
export async function* followFeed<K extends RecordKind>(
  feed: RecordFeed,
  kind: K,
  options: FollowOptions<K>,
  list: (query: ListQuery) => Promise<StoredRecordByKind[K][]>,
): AsyncGenerator<StoredRecordByKind[K]> {
  validateFollowOptions(kind, options);
  const { signal } = options;
  if (signal.aborted) return;
  const accepts = (record: StoredRecordByKind[K]): boolean =>
    (options.since === undefined || record.timestamp >= options.since) &&
    (options.accept === undefined || options.accept(record));
  const queue: StoredRecordByKind[K][] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = feed.subscribe((k, line) => {
    if (k !== kind) return;
    const decoded = decodeLine(line);
    if (decoded.type !== "record") return;
    queue.push(decoded.record as StoredRecordByKind[K]);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const window: ListQuery = options.since === undefined ? {} : { since: options.since };
    const stored = options.limit === 0 ? [] : (await list(window)).filter(accepts);
    yield* options.limit === undefined ? stored : stored.slice(stored.length - options.limit);
    while (!signal.aborted) {
      const record = queue.shift();
      if (record !== undefined) {
        if (accepts(record)) yield record;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
  }
}
