import {
  type Anomaly,
  isPapyraError,
  MaintainableBackendBase,
  PersistenceUnavailableError,
  type RecordKind,
  type StoredRecordByKind,
} from "@papyra/core";
import type { RedisCall, StoreContext } from "./context.js";
import { classifyEntry, fieldsAsText, type RawEntry, toRawEntries } from "./entries.js";
import type { StreamName } from "./keys.js";
import type { RedisClient } from "./options.js";
import { streamReadReply } from "./replies.js";
import { toSafeError } from "./safe-error.js";

/** One entry delivered through a consumer group. Every item, errors included, can be acked. */
export type ConsumedItem =
  | {
      type: "record";
      stream: StreamName;
      id: string;
      kind: RecordKind;
      record: StoredRecordByKind[RecordKind];
    }
  /** A record of a kind this version does not know, as stored. */
  | {
      type: "unknown_kind";
      stream: StreamName;
      id: string;
      kind: string;
      value: Record<string, unknown>;
    }
  /** A damaged or deleted entry: ack it (or copy it aside) so it does not stay pending forever. */
  | {
      type: "error";
      stream: StreamName;
      id: string;
      anomaly: Anomaly;
      /** The entry's fields as text (empty when the entry no longer exists). */
      fields: Record<string, string>;
    };

/** Options of {@link ConsumerGroups.consume}. */
export interface ConsumeOptions {
  /** Most entries to return (default 100). */
  count?: number;
  /** Wait up to this many ms for new entries when there are none (default: do not wait). */
  blockMs?: number;
  /**
   * `">"` (default) for entries never delivered to the group; `"0"` (or an id) to re-read this
   * consumer's own pending entries, e.g. after a restart.
   */
  id?: string;
}

/** Summary of a group's pending entries. */
export interface PendingSummary {
  count: number;
  smallestId: string | null;
  greatestId: string | null;
  consumers: { name: string; pending: number }[];
}

/** One pending entry in detail. */
export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** Options of {@link ConsumerGroups.pendingEntries}. */
export interface PendingEntriesOptions {
  consumer?: string;
  /** Only entries idle at least this long. */
  minIdleMs?: number;
  start?: string;
  end?: string;
  /** Most entries to return (default 100). */
  count?: number;
}

/** Result of {@link ConsumerGroups.autoClaim}. */
export interface AutoClaimResult {
  /** Cursor for the next call; `"0-0"` when the whole pending list was visited. */
  nextId: string;
  items: ConsumedItem[];
  /** Pending ids whose entries no longer exist; Redis dropped them from the pending list. */
  deletedIds: string[];
}

function toItem(stream: StreamName, key: string, entry: RawEntry): ConsumedItem {
  const item = classifyEntry(entry.fields);
  if (item.type === "record") {
    return { type: "record", stream, id: entry.id, kind: item.kind, record: item.record };
  }
  if (item.type === "unknown_kind") {
    const data = fieldsAsText(entry.fields).data ?? "{}";
    return {
      type: "unknown_kind",
      stream,
      id: entry.id,
      kind: item.kind,
      value: JSON.parse(data) as Record<string, unknown>,
    };
  }
  return {
    type: "error",
    stream,
    id: entry.id,
    anomaly: { type: item.anomaly, path: key, detail: `entry ${entry.id}: ${item.detail}` },
    fields: fieldsAsText(entry.fields),
  };
}

type EntryReply = [Buffer, Buffer[] | null][];
type RedisArg = string | number | Buffer;

/**
 * Buffer-reply variants ioredis generates for every command but does not type. (`callBuffer`
 * cannot be used: with auto-pipelining ioredis drops its command name.)
 */
interface BufferCommands {
  xreadgroupBuffer(...args: RedisArg[]): Promise<unknown>;
  xclaimBuffer(...args: RedisArg[]): Promise<EntryReply>;
  xautoclaimBuffer(...args: RedisArg[]): Promise<[Buffer, EntryReply, Buffer[]?]>;
}

function buffers(client: RedisClient): BufferCommands {
  return client as unknown as BufferCommands;
}

/**
 * Typed consumer-group access to a store's streams, for external tools (exporters, pipelines)
 * that need each record delivered at least once across restarts. Every method rejects with
 * PersistenceUnavailableError (Redis' own message, e.g. NOGROUP, included) when Redis fails.
 * The base of `RedisStore`, which supplies the backend contract's storage methods.
 */
export abstract class ConsumerGroups extends MaintainableBackendBase {
  readonly #context: StoreContext;
  readonly #blocking: () => RedisCall;

  /** `blocking` gives calls on a connection of the store's own for blocking reads. */
  protected constructor(context: StoreContext, blocking: () => RedisCall) {
    super({ metrics: context.metrics });
    this.#context = context;
    this.#blocking = blocking;
  }

  #key(stream: StreamName): string {
    const key = this.#context.keys.streams[stream];
    if (key === undefined) throw new TypeError(`Unknown stream "${String(stream)}"`);
    return key;
  }

  async #run<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isPapyraError(error)) throw error;
      const cause = toSafeError(error, this.#context.secrets);
      throw new PersistenceUnavailableError(
        `Could not ${what} (${this.#context.location}): ${cause.message}`,
        { cause },
      );
    }
  }

  /**
   * Creates the group if it does not exist (MKSTREAM). `startId` `"0"` (default) delivers
   * every existing entry; `"$"` only entries added from now on. Returns true when created.
   */
  ensureConsumerGroup(stream: StreamName, group: string, startId = "0"): Promise<boolean> {
    const key = this.#key(stream);
    return this.#run(`create consumer group ${group}`, async () => {
      try {
        await this.#context.call((client) =>
          client.xgroup("CREATE", key, group, startId, "MKSTREAM"),
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith("BUSYGROUP")) return false;
        throw error;
      }
    });
  }

  /** Reads entries for `consumer` in `group` (XREADGROUP COUNT/BLOCK) as typed items. */
  consume(
    stream: StreamName,
    group: string,
    consumer: string,
    options: ConsumeOptions = {},
  ): Promise<ConsumedItem[]> {
    const key = this.#key(stream);
    const count = options.count ?? 100;
    const id = options.id ?? ">";
    const args: (string | number)[] = ["GROUP", group, consumer, "COUNT", count];
    // A blocking read holds its connection; it runs on a separate one so writes never wait.
    const blockMs = id === ">" ? options.blockMs : undefined;
    if (blockMs !== undefined) args.push("BLOCK", blockMs);
    args.push("STREAMS", key, id);
    return this.#run(`read from consumer group ${group}`, async () => {
      const read = (client: RedisClient) => buffers(client).xreadgroupBuffer(...args);
      const reply =
        blockMs === undefined
          ? await this.#context.call(read)
          : await this.#blocking()(
              read,
              blockMs === 0
                ? Number.POSITIVE_INFINITY
                : blockMs + this.#context.options.commandTimeoutMs,
            );
      const items: ConsumedItem[] = [];
      for (const [, entries] of streamReadReply<Buffer>(reply)) {
        for (const entry of toRawEntries(entries)) items.push(toItem(stream, key, entry));
      }
      return items;
    });
  }

  /** Takes over specific pending entries idle at least `minIdleMs` (XCLAIM). */
  claim(
    stream: StreamName,
    group: string,
    consumer: string,
    minIdleMs: number,
    ids: readonly string[],
  ): Promise<ConsumedItem[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const key = this.#key(stream);
    return this.#run(`claim entries in consumer group ${group}`, async () => {
      const reply = await this.#context.call((client) =>
        buffers(client).xclaimBuffer(key, group, consumer, minIdleMs, ...ids),
      );
      return toRawEntries(reply).map((entry) => toItem(stream, key, entry));
    });
  }

  /** Takes over pending entries idle at least `minIdleMs`, walking the pending list (XAUTOCLAIM). */
  autoClaim(
    stream: StreamName,
    group: string,
    consumer: string,
    minIdleMs: number,
    options: { start?: string; count?: number } = {},
  ): Promise<AutoClaimResult> {
    const key = this.#key(stream);
    return this.#run(`claim entries in consumer group ${group}`, async () => {
      const reply = await this.#context.call((client) =>
        buffers(client).xautoclaimBuffer(
          key,
          group,
          consumer,
          minIdleMs,
          options.start ?? "0-0",
          "COUNT",
          options.count ?? 100,
        ),
      );
      const [next, entries, deleted] = reply;
      return {
        nextId: next.toString(),
        items: toRawEntries(entries).map((entry) => toItem(stream, key, entry)),
        deletedIds: (deleted ?? []).map((id) => id.toString()),
      };
    });
  }

  /** Acknowledges entries (XACK); returns how many were pending. */
  ack(stream: StreamName, group: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    const key = this.#key(stream);
    return this.#run(`acknowledge entries in consumer group ${group}`, () =>
      this.#context.call((client) => client.xack(key, group, ...ids)),
    );
  }

  /** Summary of the group's pending entries (XPENDING). */
  pending(stream: StreamName, group: string): Promise<PendingSummary> {
    const key = this.#key(stream);
    return this.#run(`read pending entries of consumer group ${group}`, async () => {
      const reply = (await this.#context.call((client) => client.xpending(key, group))) as [
        number | string,
        string | null,
        string | null,
        [string, string | number][] | null,
      ];
      return {
        count: Number(reply[0]),
        smallestId: reply[1],
        greatestId: reply[2],
        consumers: (reply[3] ?? []).map(([name, pending]) => ({
          name: String(name),
          pending: Number(pending),
        })),
      };
    });
  }

  /** Pending entries in detail, optionally of one consumer (XPENDING with a range). */
  pendingEntries(
    stream: StreamName,
    group: string,
    options: PendingEntriesOptions = {},
  ): Promise<PendingEntry[]> {
    const args: (string | number)[] = [this.#key(stream), group];
    if (options.minIdleMs !== undefined) args.push("IDLE", options.minIdleMs);
    args.push(options.start ?? "-", options.end ?? "+", options.count ?? 100);
    if (options.consumer !== undefined) args.push(options.consumer);
    return this.#run(`read pending entries of consumer group ${group}`, async () => {
      const reply = (await this.#context.call((client) => client.call("XPENDING", ...args))) as [
        string,
        string,
        number | string,
        number | string,
      ][];
      return reply.map(([id, consumer, idleMs, deliveries]) => ({
        id: String(id),
        consumer: String(consumer),
        idleMs: Number(idleMs),
        deliveries: Number(deliveries),
      }));
    });
  }
}
