import type { MetricsSnapshot, MetricsSource } from "./metrics.js";
import type { ActorEvent, AuditSnapshot, DeadLetter } from "./records.js";
import type {
  CompactionReport,
  CompactOptions,
  RecoveryConfig,
  RecoveryReport,
  ScanOptions,
  ScanReport,
} from "./reports.js";
import type { RetentionPolicy } from "./retention.js";
import type { StoredActorEvent, StoredAuditSnapshot, StoredDeadLetter } from "./stored-records.js";

/**
 * A listing query. Oldest first by default. `since`/`until` are epoch seconds, inclusive, and
 * apply before `limit`, which keeps the newest N matches (`0` returns none).
 */
export interface ListQuery {
  limit?: number;
  since?: number;
  until?: number;
  reverse?: boolean;
}

/** Counters a backend keeps durably beside its data, shared by every process using the store. */
export interface StoredMetrics {
  counters: MetricsSnapshot;
  /** Epoch seconds of the last reset, or null if never reset. */
  since: number | null;
}

/**
 * The contract every Papyra backend implements. The `record*`, `list*` and `close` members are
 * required; `scan`, `recover`, `compact`, `metrics`, `retention` and the stored-metrics pair are
 * optional and detected by {@link backendCapabilities}.
 */
export interface PersistenceBackend extends AsyncDisposable {
  /**
   * Stores a lifecycle event; resolves once stored as the backend's durability promises, and
   * only for a record whose stored form reads back equal (see `encodeRecord`); anything else
   * rejects with `PersistenceValidationError` and nothing is stored.
   */
  recordEvent(event: ActorEvent): Promise<void>;
  /** Stores an audit snapshot; resolves once stored, as {@link recordEvent}. */
  recordAudit(audit: AuditSnapshot): Promise<void>;
  /** Stores a dead letter; resolves once stored, as {@link recordEvent}. */
  recordDeadLetter(deadLetter: DeadLetter): Promise<void>;
  /**
   * Lists events within retention, as stored by any writer: `actor_address` may be any JSON
   * (see `addressOf` and `formatAddress`).
   */
  listEvents(query?: ListQuery): Promise<StoredActorEvent[]>;
  /** Lists audit snapshots within retention. */
  listAudits(query?: ListQuery): Promise<StoredAuditSnapshot[]>;
  /** Lists dead letters within retention; `target` may be any JSON (see `addressOf`). */
  listDeadLetters(query?: ListQuery): Promise<StoredDeadLetter[]>;
  /** Flushes pending writes and releases resources. Idempotent. */
  close(): Promise<void>;

  /** Checks the store for damage without changing it. */
  scan?(options?: ScanOptions): Promise<ScanReport>;
  /** Repairs or quarantines damage. */
  recover?(config?: RecoveryConfig): Promise<RecoveryReport>;
  /** Physically removes what retention excludes. */
  compact?(options?: CompactOptions): Promise<CompactionReport>;
  /** In-process counters. */
  readonly metrics?: MetricsSource;
  /** The retention policy in force. */
  readonly retention?: RetentionPolicy;
  /** Reads the counters kept durably beside the data (all processes, since the last reset). */
  readStoredMetrics?(): Promise<StoredMetrics>;
  /** Zeroes the durably kept counters; running writers count from zero once they see it. */
  resetStoredMetrics?(): Promise<void>;
  /**
   * Warnings about the store's setup that are not damage, for `doctor` (e.g. a Redis server
   * that keeps nothing on disk). Never throws for a reachable store.
   */
  diagnostics?(): Promise<string[]>;
}

/** Which optional parts a backend has. */
export interface BackendCapabilities {
  scan: boolean;
  recover: boolean;
  compact: boolean;
  metrics: boolean;
  retention: boolean;
  storedMetrics: boolean;
  diagnostics: boolean;
}

function hasFunction(target: unknown, key: string): boolean {
  try {
    return (
      typeof target === "object" &&
      target !== null &&
      typeof (target as Record<string, unknown>)[key] === "function"
    );
  } catch {
    return false;
  }
}

function readMember(target: unknown, key: string): unknown {
  try {
    return typeof target === "object" && target !== null
      ? (target as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** Detects a backend's optional parts by shape. Never throws, whatever it is given. */
export function backendCapabilities(backend: unknown): BackendCapabilities {
  const metrics = readMember(backend, "metrics");
  const retention = readMember(backend, "retention");
  return {
    scan: hasFunction(backend, "scan"),
    recover: hasFunction(backend, "recover"),
    compact: hasFunction(backend, "compact"),
    metrics: hasFunction(metrics, "snapshot"),
    retention: typeof retention === "object" && retention !== null,
    storedMetrics:
      hasFunction(backend, "readStoredMetrics") && hasFunction(backend, "resetStoredMetrics"),
    diagnostics: hasFunction(backend, "diagnostics"),
  };
}

/**
 * The backend's metrics as a plain object of finite numbers, or `{}` when it has none or
 * anything goes wrong. Never throws.
 */
export function safeMetricsSnapshot(backend: unknown): Record<string, number> {
  try {
    const metrics = readMember(backend, "metrics");
    if (!hasFunction(metrics, "snapshot")) return {};
    const snapshot: unknown = (metrics as MetricsSource).snapshot();
    if (typeof snapshot !== "object" || snapshot === null) return {};
    const out: Record<string, number> = {};
    for (const [key, value] of Object.entries(snapshot)) {
      if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
    }
    return out;
  } catch {
    return {};
  }
}
