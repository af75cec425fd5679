import type {
  RecordKind,
  StoredActorEvent,
  StoredAuditSnapshot,
  StoredDeadLetter,
} from "@papyra/core";

/** The streams of one store, in the order scans and compactions visit them. */
export const STREAM_NAMES = ["events", "audits", "dead_letters"] as const;

/** One of the three record streams. */
export type StreamName = (typeof STREAM_NAMES)[number];

/** The record kind each stream holds. */
export const STREAM_KIND: Readonly<Record<StreamName, RecordKind>> = {
  events: "event",
  audits: "audit",
  dead_letters: "dead_letter",
};

/** The record type each stream holds. */
export interface StreamRecords {
  events: StoredActorEvent;
  audits: StoredAuditSnapshot;
  dead_letters: StoredDeadLetter;
}

/** Every Redis key one store uses. */
export interface StoreKeys {
  streams: Readonly<Record<StreamName, string>>;
  /** Hash of cumulative counters shared by every process writing the store. */
  metrics: string;
  /** Stream receiving damaged entries copied aside by quarantine recovery. */
  quarantine: string;
  /** Hash of the last entry id each stream had when a scan last found it clean. */
  scanState: string;
}

/**
 * The key layout of the earlier implementation: `{prefix}:{systemId}:events|audits|dead_letters`
 * (literally `papyra:local:events` by default), plus `:metrics`, `:quarantine` and `:scan_state`.
 */
export function storeKeys(prefix: string, systemId: string, quarantineKey?: string): StoreKeys {
  const base = `${prefix}:${systemId}`;
  return {
    streams: {
      events: `${base}:events`,
      audits: `${base}:audits`,
      dead_letters: `${base}:dead_letters`,
    },
    metrics: `${base}:metrics`,
    quarantine: quarantineKey ?? `${base}:quarantine`,
    scanState: `${base}:scan_state`,
  };
}
