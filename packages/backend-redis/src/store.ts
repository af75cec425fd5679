import {
  type CompactionReport,
  type CompactOptions,
  isPapyraError,
  type MaintenanceOperation,
  type MetricsSnapshot,
  type MetricsSource,
  type NormalizedListQuery,
  PersistenceMetrics,
  PersistenceUnavailableError,
  PersistenceValidationError,
  type RecordKind,
  type RecoveryConfig,
  type RecoveryReport,
  type RetentionPolicy,
  type ScanOptions,
  type ScanReport,
  type StoredMetrics,
  type StoredRecordByKind,
  type StoreFailure,
} from "@papyra/core";
import { BlockingConnection } from "./blocking.js";
import { CommandGate } from "./command-gate.js";
import { compactStreams } from "./compact.js";
import { openConnection, type StoreConnection } from "./connection.js";
import type { StoreContext } from "./context.js";
import { serverDiagnostics } from "./diagnostics.js";
import { assertStoreExists } from "./existence.js";
import { type StoreKeys, type StreamName, storeKeys } from "./keys.js";
import { listStream } from "./listing.js";
import type { RedisClient, RedisCliOptions } from "./options.js";
import { recoverStreams, validateStreamsRecoveryConfig } from "./recover.js";
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
export class RedisStore extends StreamReads {
  /** Every key the store uses. */
  readonly keys: StoreKeys;
  /** Where the store lives, for messages: `prefix:systemId@endpoint`, password masked. */
  readonly location: string;
  /** The retention policy in force (`{}`: keep everything). */
  readonly retention: RetentionPolicy;
  readonly #connection: StoreConnection;
  readonly #gate: CommandGate;
  readonly #context: StoreContext;
  readonly #stored: StoredMetricsSync;
  readonly #blocking: BlockingConnection;
  readonly #trim: TrimOnWrite;

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

  /** Appends the line to its kind's stream, trimmed as retention's count rule says. */
  protected override async writeLine(kind: RecordKind, line: string): Promise<void> {
    const key = this.keys.streams[KIND_STREAM[kind]];
    const trim = this.#trim.args(key);
    await this.#context.call((client) => client.xadd(key, ...trim, "*", "data", line));
  }

  /** Reads the kind's stream newest first, so a limit costs work proportional to it. */
  protected override readRecords<K extends RecordKind>(
    kind: K,
    query: NormalizedListQuery,
  ): Promise<StoredRecordByKind[K][]> {
    return listStream(this.#context, KIND_STREAM[kind], query) as Promise<StoredRecordByKind[K][]>;
  }

  /** Papyra errors and the caller's abort pass; a failed Redis call becomes unavailable. */
  protected override storeError(error: unknown, failure: StoreFailure): unknown {
    if (isPapyraError(error)) return error;
    if (failure.signal?.aborted && error === failure.signal.reason) return error;
    switch (failure.operation) {
      case "record":
        return this.#unavailable(`store ${failure.kind} record in`, error);
      case "list":
        return this.#unavailable(`list ${KIND_STREAM[failure.kind ?? "event"]} from`, error);
      default:
        return this.#unavailable(`${failure.operation} the store in`, error);
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

  /** A scan's `sampleSize` must be a whole number of entries. */
  protected override async beforeMaintenance(
    operation: MaintenanceOperation,
    options: ScanOptions,
  ): Promise<void> {
    const sampleSize = options.sampleSize;
    if (operation !== "scan" || sampleSize === undefined) return;
    if (!(Number.isInteger(sampleSize) && sampleSize >= 0)) {
      throw new PersistenceValidationError("scan options", [
        { path: "sampleSize", message: "sampleSize must be a non-negative whole number" },
      ]);
    }
  }

  /** Quarantine may use the quarantine streams alone when a quarantinePrefix was given. */
  protected override validateRecovery(config: RecoveryConfig): void {
    validateStreamsRecoveryConfig(config, this.#context.options.quarantinePrefix !== undefined);
  }

  /**
   * Checks every entry of the three streams (or, with `sampleSize`, the newest N of each)
   * without changing anything. Anomalies name the stream key and the entry id.
   */
  protected override scanStore(options: ScanOptions): Promise<ScanReport> {
    return scanStreams(this.#context, options);
  }

  /**
   * Deletes damaged entries (`repair`), or copies each aside first (`quarantine`: to the
   * quarantine stream, and to an NDJSON file in `quarantineDir` when one is given).
   */
  protected override async recoverStore(config: RecoveryConfig): Promise<RecoveryReport> {
    const report = await recoverStreams(this.#context, config);
    this.metrics.increment("anomaly_detected", report.scan_before.anomalies.length);
    return report;
  }

  /** Removes exactly what retention excludes; refuses on damage. */
  protected override compactStore(options: CompactOptions): Promise<CompactionReport> {
    return compactStreams(this.#context, options);
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
  protected override async closeStore(): Promise<void> {
    // Every pending call settles within commandTimeoutMs, so neither wait can hang.
    await this.settleWrites();
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
}
