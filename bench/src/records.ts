import type { ActorEvent } from "@papyra/core";
import { seededRandom } from "@papyra/test-support";

const SYSTEMS = ["orders-prod", "billing-eu1", "ingest-7", "notifications"];
const EVENT_TYPES = [
  "ActorStarted",
  "ActorStopped",
  "ActorCrashed",
  "ActorRestarted",
  "MailboxOverflow",
  "SupervisorEscalated",
];
const REASONS = ["normal", "timeout", "exception", "supervisor", "shutdown", "backpressure"];
const HEX = "0123456789abcdef";

function hex(random: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += HEX[Math.floor(random() * 16)];
  return out;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Epoch seconds the generated records start at (a fixed instant, so runs are comparable). */
export const BASE_TIMESTAMP = 1_763_769_600;

/** The stored line of an event (`kind` first, compact JSON), as the file stores write it. */
export function eventLine(event: ActorEvent): string {
  return `{"kind":"event",${JSON.stringify(event).slice(1)}`;
}

/**
 * One realistic lifecycle event whose stored line (with `kind` and newline) is 150–250 bytes:
 * a target size is drawn, optional payload fields are added while they fit, and a note pads
 * the rest.
 */
export function makeEvent(random: () => number, index: number): ActorEvent {
  const system = pick(random, SYSTEMS);
  const actorId = `worker-${Math.floor(random() * 10_000)}`;
  const payload: Record<string, unknown> = { reason: pick(random, REASONS) };
  const event: ActorEvent = {
    system_id: system,
    actor_address: random() < 0.5 ? `${system}:${actorId}` : { system, actor_id: actorId },
    event_type: pick(random, EVENT_TYPES),
    payload,
    timestamp: BASE_TIMESTAMP + index / 1000 + 0.000123,
  };
  const target = 150 + Math.floor(random() * 101);
  const size = (): number => Buffer.byteLength(eventLine(event)) + 1;
  const optional: Array<[string, unknown]> = [
    ["attempt", Math.floor(random() * 5)],
    ["trace_id", hex(random, 16)],
    ["mailbox_size", Math.floor(random() * 500)],
  ];
  for (const [key, value] of optional) {
    payload[key] = value;
    if (size() > target) {
      delete payload[key];
      break;
    }
  }
  const room = target - size() - ',"note":""'.length;
  if (room > 0) payload.note = "x".repeat(room);
  return event;
}

/** A pool of distinct events, cycled by the writers (generating in the hot loop would skew). */
export function eventPool(size: number, seed = 42): ActorEvent[] {
  const random = seededRandom(seed);
  const pool: ActorEvent[] = [];
  for (let i = 0; i < size; i++) pool.push(makeEvent(random, i));
  return pool;
}

/** Hands out pool events as fresh objects with increasing timestamps. */
export function recordSource(pool: readonly ActorEvent[]): () => ActorEvent {
  let index = 0;
  return () => {
    const base = pool[index % pool.length] as ActorEvent;
    const event = { ...base, timestamp: BASE_TIMESTAMP + index / 1000 + 0.000123 };
    index++;
    return event;
  };
}
