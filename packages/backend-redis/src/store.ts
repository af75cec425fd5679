import {
  type ActorEvent,
  type AuditSnapshot,
  type CompactionReport,
  type CompactOptions,
  type DeadLetter,
  encodeRecord,
  type ListQuery,
  lineBytes,
  type MetricsSnapshot,
  type MetricsSource,
  nowSeconds,
  PapyraError,
  type PersistenceBackend,
  PersistenceClosedError,
  PersistenceMetrics,
  PersistenceUnavailableError,
  PersistenceValidationError,
  type RecordByKind,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  type ScanOptions,
  type ScanReport,
  type StoredActorEvent,
  type StoredAuditSnapshot,
  type StoredDeadLetter,
  type StoredMetrics,
} from "@papyra/core";
import { Cluster } from "ioredis";
import { compactStreams } from "./compact.js";
import {
  createConnection,
  openConnection,
  ReadyGate,
  redactMessage,
  type StoreConnection,
} from "./connection.js";
import { ConsumerGroups } from "./consumer-groups.js";
import type { StoreContext } from "./context.js";
import { serverDiagnostics } from "./diagnostics.js";
import { idFromSeconds } from "./entries.js";
import { type StoreKeys, type StreamName, type StreamRecords, storeKeys } from "./keys.js";
import { listStream } from "./listing.js";
import {
  type RedisClient,
  type RedisCliOptions,
  type RedisStoreOptions,
  redisOptionsSchema,
} from "./options.js";
import { recoverStreams } from "./recover.js";
import { scanStreams } from "./scan.js";
import { StoredMetricsSync } from "./stored-metrics.js";

const KIND_STREAM: Readonly<Record<RecordKind, StreamName>> = {
  event: "events",
  audit: "audits",
  dead_letter: "dead_letters",
};

/** The store's in-process counters: every one of the eleven names, always present. */
export interface StoreMetrics extends MetricsSource {
  snapshot(): MetricsSnapshot;
}

function describe(error: unknown): string {
  return redactMessage(error instanceof Error ? error.message : String(error));
}

/**
 * A Papyra store on Redis Streams: one stream per record kind, each entry one `data` field
 * holding the record's JSON. Open it with {@link openRedisStore}.
 */
export class RedisStore extends ConsumerGroups implements PersistenceBackend {
  /** Every key the store uses. */
  readonly keys: StoreKeys;
  /** Where the store lives, for messages: `prefix:systemId@endpoint`, password redacted. */
  readonly location: string;
  /** The retention policy in force (`{}`: keep everything). */
  readonly retention: RetentionPolicy;
  readonly #metrics: PersistenceMetrics;
  readonly #connection: StoreConnection;
  readonly #context: StoreContext;
  readonly #stored: StoredMetricsSync;
  readonly #inFlight = new Set<Promise<unknown>>();
  #blocking: RedisClient | undefined;
  #blockingGate: ReadyGate | undefined;
  #closed: Promise<void> | null = null;
  #lastMinIdTrim = new Map<string, number>();

  /** Use {@link openRedisStore}. */
  constructor(connection: StoreConnection, options: RedisCliOptions) {
    const keys = storeKeys(options.prefix, options.systemId, options.quarantineKey);
    const location = `${options.prefix}:${options.systemId}@${connection.endpoint}`;
    const gate = new ReadyGate(connection.client);
    const metrics = new PersistenceMetrics();
    const context: StoreContext = {
      client: connection.client,
      keys,
      location,
      options,
      retention: options.retention,
      metrics,
      ready: () => gate.wait(options.offlineTimeoutMs),
    };
    const blocking: { client?: () => Promise<RedisClient> } = {};
    super(context, () => (blocking.client as () => Promise<RedisClient>)());
    blocking.client = () => this.#blockingClient();
    this.#metrics = metrics;
    this.keys = keys;
    this.location = location;
    this.retention = options.retention ?? {};
    this.#connection = connection;
    this.#context = context;
    this.#stored = new StoredMetricsSync(context);
  }

  /** The ioredis client in use (yours, if you passed one). */
  get client(): RedisClient {
    return this.#connection.client;
  }

  /** In-process counters (this process only; see {@link readStoredMetrics} for all). */
  get metrics(): StoreMetrics {
    return this.#metrics;
  }

  /** @internal Connects and starts the metrics flush. */
  async open(): Promise<void> {
    await openConnection(this.#connection, this.#context.options.connectTimeoutMs);
    await this.#stored.start();
  }

  async #blockingClient(): Promise<RedisClient> {
    if (this.#closed) throw new PersistenceClosedError("consume");
    if (!this.#blocking) {
      // A connection of its own, without a command timeout shorter than the BLOCK time.
      const client = this.#connection.client;
      const noTimeout = {
        commandTimeout: undefined,
        blockingTimeout: this.#context.options.commandTimeoutMs,
      };
      this.#blocking =
        client instanceof Cluster
          ? client.duplicate([], {
              redisOptions: { ...client.options.redisOptions, ...noTimeout },
            })
          : client.duplicate(noTimeout);
      this.#blocking.on("error", () => {});
      this.#blockingGate = new ReadyGate(this.#blocking);
    }
    await this.#blockingGate?.wait(this.#context.options.offlineTimeoutMs);
    return this.#blocking;
  }

  recordEvent(event: ActorEvent): Promise<void> {
    return this.#record("event", event);
  }

  recordAudit(audit: AuditSnapshot): Promise<void> {
    return this.#record("audit", audit);
  }

  recordDeadLetter(deadLetter: DeadLetter): Promise<void> {
    return this.#record("dead_letter", deadLetter);
  }

  async #record<K extends RecordKind>(kind: K, record: RecordByKind[K]): Promise<void> {
    if (this.#closed) {
      // A write racing close() settles once the close has: it never overtakes the flush.
      await this.#closed.catch(() => {});
      throw new PersistenceClosedError();
    }
    let line: string;
    try {
      line = encodeRecord(kind, record);
    } catch (error) {
      this.#metrics.increment("write_errors");
      throw error;
    }
    const write = this.#write(kind, line);
    this.#inFlight.add(write);
    try {
      await write;
    } finally {
      this.#inFlight.delete(write);
    }
  }

  async #write(kind: RecordKind, line: string): Promise<void> {
    const key = this.keys.streams[KIND_STREAM[kind]];
    try {
      await this.#context.ready();
      await this.#connection.client.xadd(key, ...this.#trimArgs(key), "*", "data", line);
      this.#metrics.increment("records_written");
      this.#metrics.increment("bytes_written", lineBytes(line));
    } catch (error) {
      this.#metrics.increment("write_errors");
      throw new PersistenceUnavailableError(
        `Could not store ${kind} record in Redis (${this.location}): ${describe(error)}`,
        { cause: error },
      );
    }
  }

  /** Approximate trimming on write (option `trimOnWrite`); exact trimming is `compact()`. */
  #trimArgs(key: string): string[] {
    const policy = this.retention;
    if (!this.#context.options.trimOnWrite || !policy) return [];
    const minId =
      policy.maxAgeSeconds === undefined
        ? undefined
        : idFromSeconds(
            nowSeconds() - policy.maxAgeSeconds - this.#context.options.clockSkewSeconds,
          );
    if (policy.maxRecords !== undefined) {
      if (minId !== undefined && minId !== "-") this.#trimByAgeNowAndThen(key, minId);
      return ["MAXLEN", "~", String(policy.maxRecords)];
    }
    return minId === undefined || minId === "-" ? [] : ["MINID", "~", minId];
  }

  /** With both a count and an age rule, XADD carries MAXLEN; MINID runs at most once a second. */
  #trimByAgeNowAndThen(key: string, minId: string): void {
    const now = Date.now();
    if ((this.#lastMinIdTrim.get(key) ?? 0) > now - 1000) return;
    this.#lastMinIdTrim.set(key, now);
    this.#connection.client.xtrim(key, "MINID", "~", minId).catch(() => {});
  }

  listEvents(query?: ListQuery): Promise<StoredActorEvent[]> {
    return this.#list("events", query);
  }

  listAudits(query?: ListQuery): Promise<StoredAuditSnapshot[]> {
    return this.#list("audits", query);
  }

  listDeadLetters(query?: ListQuery): Promise<StoredDeadLetter[]> {
    return this.#list("dead_letters", query);
  }

  async #list<S extends StreamName>(
    stream: S,
    query: ListQuery | undefined,
  ): Promise<StreamRecords[S][]> {
    try {
      const records = await listStream(this.#context, stream, query);
      this.#metrics.increment("records_read", records.length);
      return records;
    } catch (error) {
      this.#metrics.increment("read_errors");
      if (error instanceof PersistenceValidationError) throw error;
      throw new PersistenceUnavailableError(
        `Could not list ${stream} from Redis (${this.location}): ${describe(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Checks every entry of the three streams (or, with `sampleSize`, the newest N of each)
   * without changing anything. Anomalies name the stream key and the entry id.
   */
  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    const sampleSize = options.sampleSize;
    if (sampleSize !== undefined && !(Number.isInteger(sampleSize) && sampleSize >= 0)) {
      throw new PersistenceValidationError("scan options", [
        { path: "sampleSize", message: "sampleSize must be a non-negative whole number" },
      ]);
    }
    this.#metrics.increment("scan_operations");
    const report = await this.#unavailableOnError(
      "scan",
      () => scanStreams(this.#context, options),
      options.signal,
    );
    this.#metrics.increment("anomaly_detected", report.anomalies.length);
    return report;
  }

  /**
   * Deletes damaged entries (`repair`), or copies each aside first (`quarantine`: to the
   * quarantine stream, and to an NDJSON file in `quarantineDir` when one is given).
   */
  async recover(config: RecoveryConfig = { mode: "repair" }): Promise<RecoveryReport> {
    this.#metrics.increment("recovery_attempts");
    try {
      const report = await this.#unavailableOnError(
        "recover",
        () => recoverStreams(this.#context, config),
        config.signal,
      );
      this.#metrics.increment("anomaly_detected", report.scan_before.anomalies.length);
      return report;
    } catch (error) {
      this.#metrics.increment("recovery_failures");
      throw error;
    }
  }

  /** Removes exactly what retention excludes; refuses on damage. */
  async compact(options: CompactOptions = {}): Promise<CompactionReport> {
    this.#metrics.increment("compactions_triggered");
    try {
      return await this.#unavailableOnError(
        "compact",
        () => compactStreams(this.#context, options),
        options.signal,
      );
    } catch (error) {
      this.#metrics.increment("compaction_errors");
      throw error;
    }
  }

  async #unavailableOnError<T>(
    operation: string,
    run: () => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof PapyraError) throw error;
      if (signal?.aborted && error === signal.reason) throw error;
      throw new PersistenceUnavailableError(
        `Could not ${operation} ${this.location}: ${describe(error)}`,
        { cause: error },
      );
    }
  }

  /** The counters of every process using this store, since the last reset. */
  async readStoredMetrics(): Promise<StoredMetrics> {
    await this.#context.ready();
    return this.#stored.read();
  }

  /** Zeroes the stored counters; running writers count from zero once they see it. */
  async resetStoredMetrics(): Promise<void> {
    await this.#context.ready();
    await this.#stored.reset();
  }

  /** Human warnings about the server, for `doctor` (e.g. nothing kept on disk). Never throws. */
  diagnostics(): Promise<string[]> {
    return serverDiagnostics(this.#context);
  }

  /** Waits for pending writes, stores the counters, and disconnects a client it created. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    this.#stored.stop();
    await this.#stored.flush();
    this.#blocking?.disconnect();
    if (this.#connection.owned) {
      const client = this.#connection.client;
      if (client.status === "ready") {
        await client.quit().catch(() => client.disconnect());
      } else {
        client.disconnect();
      }
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens a store on Redis Streams. Connects (or checks the client you pass) within
 * `connectTimeoutMs`; throws PersistenceUnavailableError naming the redacted URL when Redis
 * cannot be reached, and PersistenceValidationError for bad options.
 */
export async function openRedisStore(options: RedisStoreOptions = {}): Promise<RedisStore> {
  const { client, ...plain } = options;
  const parsed = redisOptionsSchema.safeParse(plain);
  if (!parsed.success) {
    throw new PersistenceValidationError(
      "Redis store options",
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      })),
    );
  }
  const connection = createConnection(parsed.data, client);
  const store = new RedisStore(connection, parsed.data);
  await store.open();
  return store;
}
