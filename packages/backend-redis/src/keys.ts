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
  /**
   * Prefix of the quarantine streams: damaged entries of a stream are copied to
   * `{quarantine}:{source key with ':' replaced by '_'}` (see {@link quarantineStreamKey}).
   */
  quarantine: string;
  /** Hash of the last entry id each stream had when a scan last found it clean. */
  scanState: string;
}

/**
 * The store's keys. The streams `{prefix}:{systemId}:events|audits|dead_letters` (literally
 * `papyra:local:events` by default) and the quarantine streams are the earlier (Python)
 * implementation's layout; `:metrics` and `:scan_state` are Papyra's own.
 */
export function storeKeys(prefix: string, systemId: string, quarantinePrefix?: string): StoreKeys {
  const base = `${prefix}:${systemId}`;
  return {
    streams: {
      events: `${base}:events`,
      audits: `${base}:audits`,
      dead_letters: `${base}:dead_letters`,
    },
    metrics: `${base}:metrics`,
    quarantine: quarantinePrefix ?? `${base}:quarantine`,
    scanState: `${base}:scan_state`,
  };
}

/**
 * The stream receiving quarantined copies of `sourceKey`'s damaged entries, named as the earlier
 * implementation names it: `papyra:local:quarantine:papyra_local_events` by default.
 */
export function quarantineStreamKey(keys: StoreKeys, sourceKey: string): string {
  return `${keys.quarantine}:${sourceKey.replaceAll(":", "_")}`;
}

/** Every key whose presence shows that a store exists at this prefix and system id. */
export function storeMarkerKeys(keys: StoreKeys): string[] {
  const streams = STREAM_NAMES.map((name) => keys.streams[name]);
  return [
    ...streams,
    keys.metrics,
    keys.scanState,
    ...streams.map((key) => quarantineStreamKey(keys, key)),
  ];
}
