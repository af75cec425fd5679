import { readFile } from "node:fs/promises";
import type { ActorEvent, StoredMetrics } from "@papyra/core";
import type { RecordingFs } from "./recording-fs.js";

/** An event whose `payload.id` names it, for workloads whose records must be told apart. */
export function numberedEvent(id: number, timestamp: number = 1_700_000_000 + id): ActorEvent {
  return {
    system_id: "power-loss",
    actor_address: { system: "power-loss", actor_id: id },
    event_type: "ActorStarted",
    payload: { id },
    timestamp,
  };
}

/** Records event `id` and, once the store acknowledged it, logs the marker `ack:<id>`. */
export async function appendAcked(
  store: { recordEvent(event: ActorEvent): Promise<void> },
  recorder: RecordingFs,
  id: number,
): Promise<void> {
  await store.recordEvent(numberedEvent(id));
  recorder.mark(`ack:${id}`);
}

/**
 * `writers` concurrent writers each appending `perWriter` events in turn (ids from `firstId`),
 * each id marked once acknowledged. Writers wait a few event-loop turns between appends, so
 * group commit gathers batches of varying size.
 */
export async function concurrentAppends(
  store: { recordEvent(event: ActorEvent): Promise<void> },
  recorder: RecordingFs,
  writers: number,
  perWriter: number,
  firstId = 0,
): Promise<number[]> {
  const ids: number[] = [];
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; i < perWriter; i++) {
        const id = firstId + i * writers + writer;
        // A few event-loop turns, different per writer and round, so batches vary in size.
        for (let turn = (writer * 7 + i * 3) % 4; turn > 0; turn--) await nextTurn();
        ids.push(id);
        await appendAcked(store, recorder, id);
      }
    }),
  );
  return ids;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads the stored metrics (which flushes them to the sidecar, durably) and marks
 * `metrics:<records_written>`: what a restart must find at least.
 */
export async function markStoredMetrics(
  store: { readStoredMetrics(): Promise<StoredMetrics> },
  recorder: RecordingFs,
): Promise<void> {
  const stored = await store.readStoredMetrics();
  recorder.mark(`metrics:${stored.counters.records_written}`);
}

/**
 * Problems when the metrics a restart read count fewer records written than the last
 * `metrics:<n>` marker before the cut (a finished flush or reset that did not persist).
 */
export function checkStoredMetrics(
  metrics: StoredMetrics | null,
  marks: readonly string[],
): string[] {
  const last = [...marks].reverse().find((mark) => mark.startsWith("metrics:"));
  if (last === undefined || metrics === null) return [];
  const floor = Number(last.slice("metrics:".length));
  const found = metrics.counters.records_written;
  return found >= floor
    ? []
    : [`stored metrics went back: records_written ${found} after a flush of ${floor}`];
}

/** Ids named by `<prefix><id>` markers in `marks`. */
export function markedIds(marks: readonly string[], prefix = "ack:"): number[] {
  return marks
    .filter((mark) => mark.startsWith(prefix))
    .map((mark) => Number(mark.slice(prefix.length)));
}

/** The `payload.id`s of the event lines of NDJSON files as they are on disk (damaged lines skipped), in file order; a missing file reads as empty. */
export async function rawEventIds(paths: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const path of paths) {
    const text = await readFile(path, "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      try {
        const parsed = JSON.parse(line) as { payload?: { id?: unknown } };
        if (typeof parsed.payload?.id === "number") ids.push(parsed.payload.id);
      } catch {}
    }
  }
  return ids;
}
