import {
  type PersistenceBackend,
  type RecoveryConfig,
  runStartupCheck,
  type ScanOptions,
  type ScanReport,
  type StoredMetrics,
} from "@papyra/core";

/** A file store as the restart check drives it. */
export interface RestartableStore extends PersistenceBackend {
  scan(options?: ScanOptions): Promise<ScanReport>;
  readStoredMetrics(): Promise<StoredMetrics>;
  resetStoredMetrics(): Promise<void>;
}

/** What a restarted service found: the events' `payload.id`s oldest first, and anything that went wrong. */
export interface RestartOutcome {
  ids: number[];
  /** The stored metrics the restarted service read (null when it got no further). */
  metrics: StoredMetrics | null;
  problems: string[];
}

/**
 * Meets a power-cut state as a restarted service would: opens the store for writing (the lock
 * and sidecars must not stand in the way), runs the startup check in `recover` mode, lists
 * every event, checks an incremental scan (the checkpoint sidecar) finds the store clean,
 * reads and resets the stored metrics (the metrics sidecar), writes one record and closes.
 */
export async function restartAndList(
  open: () => Promise<RestartableStore>,
  recovery?: RecoveryConfig,
): Promise<RestartOutcome> {
  const problems: string[] = [];
  let store: RestartableStore;
  try {
    store = await open();
  } catch (error) {
    return {
      ids: [],
      metrics: null,
      problems: [`restart: open failed: ${(error as Error).message}`],
    };
  }
  let ids: number[] = [];
  let metrics: StoredMetrics | null = null;
  try {
    try {
      await runStartupCheck(store, { mode: "recover", recovery });
    } catch (error) {
      // A power cut can leave a store holding nothing but NUL bytes (no record reached the
      // disk): refused as not a store (SPEC §9), which an operator answers with --force.
      // Refused with any record in it is a failure.
      if ((error as { code?: unknown }).code !== "PAPYRA_NOT_A_STORE") throw error;
      const scan = await store.scan();
      if (scan.records_scanned > 0) throw error;
      await runStartupCheck(store, {
        mode: "recover",
        recovery: { mode: "repair", ...recovery, force: true },
      });
    }
    const events = await store.listEvents();
    ids = events.map((event) => Number((event.payload as { id?: unknown }).id));
    const scan = await store.scan({ incremental: true });
    if (scan.anomalies.length > 0)
      problems.push(`incremental scan after recovery: ${JSON.stringify(scan.anomalies)}`);
    const audits = (await store.listAudits()).length + (await store.listDeadLetters()).length;
    if (scan.records_scanned !== events.length + audits) {
      problems.push(
        `incremental scan counts ${scan.records_scanned} records, listing ${events.length + audits}`,
      );
    }
    metrics = await store.readStoredMetrics();
    await store.resetStoredMetrics();
    await store.recordEvent({
      system_id: "restart",
      actor_address: { system: "restart", actor_id: 0 },
      event_type: "Restarted",
      payload: { id: -1 },
      timestamp: Date.now() / 1000,
    });
  } catch (error) {
    problems.push(`restart: ${(error as Error).message}`);
  } finally {
    await store
      .close()
      .catch((error: Error) => problems.push(`restart: close failed: ${error.message}`));
  }
  return { ids, metrics, problems };
}

/**
 * Compares the events found after a restart with what was acknowledged: every id in `acked`
 * present exactly once, none twice, none that was never written (`written`).
 */
export function checkAcknowledged(
  ids: number[],
  acked: Iterable<number>,
  written: ReadonlySet<number>,
): string[] {
  const problems: string[] = [];
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const lost = [...acked].filter((id) => !counts.has(id));
  if (lost.length > 0)
    problems.push(
      `acknowledged records lost: ${lost.slice(0, 10).join(", ")}${lost.length > 10 ? ` (+${lost.length - 10})` : ""}`,
    );
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  if (twice.length > 0)
    problems.push(`records present more than once: ${twice.slice(0, 10).join(", ")}`);
  const unknown = [...counts.keys()].filter((id) => !written.has(id));
  if (unknown.length > 0)
    problems.push(`records never written: ${unknown.slice(0, 10).join(", ")}`);
  return problems;
}
