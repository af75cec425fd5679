import { readFile } from "node:fs/promises";
import type { ActorEvent } from "@papyra/core";
import type { RecordingFs } from "./recording-fs.js";

/** An event whose `payload.id` names it, for workloads whose records must be told apart. */
export function numberedEvent(id: number, timestamp = 1_700_000_000 + id): ActorEvent {
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

/** `writers` concurrent writers each appending `perWriter` events in turn (ids from `firstId`), each id marked once acknowledged. */
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
        ids.push(id);
        await appendAcked(store, recorder, id);
      }
    }),
  );
  return ids;
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
