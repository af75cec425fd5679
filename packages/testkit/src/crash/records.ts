import type { ActorEvent } from "@papyra/core";
import { BASE_TIME } from "../records.js";

/** The event the crash writer records as number `id` (the checker rebuilds it to compare). */
export function crashEvent(id: number): ActorEvent {
  return {
    system_id: "crash",
    actor_address: { system: "crash", actor_id: `writer-${id}` },
    event_type: "ActorStarted",
    payload: { id, pad: "x".repeat(id % 200) },
    timestamp: BASE_TIME + id / 1000,
  };
}

/** The number a crash event carries, or undefined for any other record. */
export function crashEventId(record: {
  payload?: unknown;
  system_id?: unknown;
}): number | undefined {
  if (record.system_id !== "crash") return undefined;
  const id = (record.payload as { id?: unknown } | null)?.id;
  return typeof id === "number" ? id : undefined;
}
