import { appendFile } from "node:fs/promises";
import { openJsonStore } from "@papyra/backend-json";
import { openRotatingStore } from "@papyra/backend-rotating";
import { type ActorEvent, encodeRecord } from "@papyra/core";

/** A valid event with a distinguishable id. */
export function event(id: number): ActorEvent {
  return {
    system_id: "orders",
    actor_address: { system: "orders", actor_id: `payment-${id}` },
    event_type: "ActorStarted",
    payload: { id, note: "x".repeat(100) },
    timestamp: 1_700_000_000 + id,
  };
}

/** A JSON store with `count` events, written by a real writer that then closes. */
export async function jsonStore(path: string, count = 20): Promise<void> {
  await using store = await openJsonStore({ path });
  for (let id = 1; id <= count; id++) await store.recordEvent(event(id));
}

/** The JSON store, then a torn last line: what a crash (or a copy during a write) leaves. */
export async function tornJsonStore(path: string): Promise<void> {
  await jsonStore(path);
  await appendFile(path, encodeRecord("event", event(99)).slice(0, 40));
}

/** The JSON store with a corrupted line among its records: damage a scan reports. */
export async function damagedJsonStore(path: string): Promise<void> {
  await jsonStore(path, 3);
  await appendFile(path, "{garbage\n");
  await appendFile(path, `${encodeRecord("event", event(4))}\n`);
}

/** A rotating store of several segments. */
export async function rotatingStore(path: string): Promise<void> {
  await using store = await openRotatingStore({ path, maxBytes: 2048, maxFiles: 4 });
  for (let id = 1; id <= 30; id++) await store.recordEvent(event(id));
}
