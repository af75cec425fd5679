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
import { BlockingConnection } from "./blocking.js";
import { CommandGate } from "./command-gate.js";
import { compactStreams } from "./compact.js";
import { openConnection, type StoreConnection } from "./connection.js";
import type { StoreContext } from "./context.js";
import { serverDiagnostics } from "./diagnostics.js";
import { assertStoreExists } from "./existence.js";
import { type StoreKeys, type StreamName, type StreamRecords, storeKeys } from "./keys.js";
import { listStream } from "./listing.js";
import type { RedisClient, RedisCliOptions } from "./options.js";
import { recoverStreams } from "./recover.js";
import { toSafeError } from "./safe-error.js";
import { scanStreams } from "./scan.js";
import { StoredMetricsSync } from "./stored-metrics.js";
import { StreamReads } from "./stream-reads.js";
import { TrimOnWrite } from "./trim-on-write.js";

const KIND_STREAM: Readonly<Record<RecordKind, StreamName>> = {
  event: "events",
  audit: "audits",
  dead_letter: "dead_letters",
};

/** The store's in-process counters: every one of the eleven names, always present. */
export interface StoreMetrics extends MetricsSource {
  snapshot(): MetricsSnapshot;
}

/**
 * A Papyra store on Redis Streams: one stream per record kind, each entry one `data` field
 * holding the record's JSON. Open it with {@link openRedisStore}.
 */
export class RedisStore extends StreamReads implements PersistenceBackend {
  /** Every key the store uses. */
  readonly keys: StoreKeys;
  /** Where the store lives, for messages: `prefix:systemId@endpoint`, password masked. */
  readonly location: string;
  /** The retention policy in force (`{}`: keep everything). */
  readonly retention: RetentionPolicy;
  readonly #metrics: PersistenceMetrics;
  readonly #connection: StoreConnection;
  readonly #gate: CommandGate;
  readonly #context: StoreContext;
  readonly #stored: StoredMetricsSync;
  readonly #blocking: BlockingConnection;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #trim: TrimOnWrite;
  #closed: Promise<void> | null = null;

  /** Use {@link openRedisStore}. */
  constructor(connection: StoreConnection, options: RedisCliOptions) {
    const keys = storeKeys(options.prefix, options.systemId, options.quarantinePrefix);
    const location = `${options.prefix}:${options.systemId}@${connection.endpoint}`;
    const gate = new CommandGate(connection.client, {
      commandTimeoutMs: options.commandTimeoutMs,
      offlineTimeoutMs: options.offlineTimeoutMs,
      maxInFlight: options.maxInFlight,
      resetWhenSilent: connection.owned,
      secrets: connection.secrets,
    });
    const metrics = new PersistenceMetrics();
    const context: StoreContext = {
      client: connection.client,
      call: (command, timeoutMs) => gate.run(command, timeoutMs),
      keys,
      location,
      options,
      retention: options.retention,
      metrics,
      secrets: connection.secrets,
    };
    const blocking = new BlockingConnection(connection.client, options, connection.secrets);
    super(context, () => blocking.call);
    this.#metrics = metrics;
    this.keys = keys;
    this.location = location;
    this.retention = options.retention ?? {};
    this.#connection = connection;
    this.#gate = gate;
    this.#context = context;
    this.#stored = new StoredMetricsSync(context);
    this.#blocking = blocking;
    this.#trim = new TrimOnWrite(context);
  }

  /** The ioredis client in use (yours, if you passed one). */
  get client(): RedisClient {
    return this.#connection.client;
  }

  /** In-process counters (this process only; see {@link readStoredMetrics} for all). */
  get metrics(): StoreMetrics {
    return this.#metrics;
  }

  /**
   * Calls sent (or waiting for the connection) that Redis has not answered yet, timed-out ones
   * included, on the main connection. Never above `maxInFlight`.
   */
  get inFlight(): number {
    return this.#gate.inFlight;
  }

  /**
   * @internal Connects, checks that a read-only store exists (PersistenceNotFoundError
   * otherwise, nothing created) and starts the metrics flush.
   */
  async open(readOnly = false): Promise<void> {
    await openConnection(this.#connection, this.#context.options.connectTimeoutMs);
    try {
      if (readOnly) await assertStoreExists(this.#context, this.#connection.fullEndpoint);
    } catch (error) {
      await this.#release();
      throw error;
    }
    await this.#stored.start();
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
    this.#pending.add(write);
    try {
      await write;
    } finally {
      this.#pending.delete(write);
    }
  }

  async #write(kind: RecordKind, line: string): Promise<void> {
    const key = this.keys.streams[KIND_STREAM[kind]];
    const trim = this.#trim.args(key);
    try {
      await this.#context.call((client) => client.xadd(key, ...trim, "*", "data", line));
      this.#metrics.increment("records_written");
      this.#metrics.increment("bytes_written", lineBytes(line));
    } catch (error) {
      this.#metrics.increment("write_errors");
      throw this.#unavailable(`store ${kind} record in`, error);
    }
  }

  /** A PersistenceUnavailableError for a failed Redis call, secrets masked. */
  #unavailable(what: string, error: unknown): PersistenceUnavailableError {
    const cause = toSafeError(error, this.#context.secrets);
    return new PersistenceUnavailableError(
      `Could not ${what} Redis (${this.location}): ${cause.message}`,
      { cause },
    );
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
      throw this.#unavailable(`list ${stream} from`, error);
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
    // A dry run changes nothing, counters included.
    if (config?.dryRun !== true) this.#metrics.increment("recovery_attempts");
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
    if (options?.dryRun !== true) this.#metrics.increment("compactions_triggered");
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
      throw this.#unavailable(`${operation} the store in`, error);
    }
  }

  /** The counters of every process using this store, since the last reset. */
  async readStoredMetrics(): Promise<StoredMetrics> {
    try {
      return await this.#stored.read();
    } catch (error) {
      throw this.#unavailable("read the stored counters from", error);
    }
  }

  /** Zeroes the stored counters; running writers count from zero once they see it. */
  async resetStoredMetrics(): Promise<void> {
    try {
      await this.#stored.reset();
    } catch (error) {
      throw this.#unavailable("reset the stored counters in", error);
    }
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
    // Every pending call settles within commandTimeoutMs, so neither wait can hang.
    await Promise.allSettled([...this.#pending]);
    this.#stored.stop();
    await this.#stored.flush();
    await this.#release();
  }

  /** Closes the connections the store made; QUIT is bounded like any call. */
  async #release(): Promise<void> {
    this.#blocking.close();
    if (!this.#connection.owned) return;
    const client = this.#connection.client;
    if (client.status === "ready") await this.#context.call((c) => c.quit()).catch(() => {});
    client.disconnect();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
