import type { ActorEvent, AuditSnapshot, DeadLetter } from "@papyra/core";

/** One fact the simulated system emits, in the order it happened. */
export type DemoRecord =
  | { kind: "event"; record: ActorEvent }
  | { kind: "audit"; record: AuditSnapshot }
  | { kind: "dead_letter"; record: DeadLetter };

type ActorState = "alive" | "restarting" | "stopping" | "stopped";

// A small deterministic generator so a given seed always tells the same story.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYSTEM = "shop";
const ACTORS = [
  "supervisor",
  "order-service",
  "payment-gateway",
  "inventory",
  "fraud-checker",
  "email-worker-1",
  "email-worker-2",
  "email-worker-3",
];
const CRASHES = [
  "TimeoutError: upstream did not answer within 5000 ms",
  "ConnectionResetError: payment provider closed the connection",
  "ValueError: negative stock for sku=KB-104",
  "SMTPServerDisconnected: mail relay went away",
];
const MESSAGES = ["SendReceipt", "ReserveStock", "ChargeCard", "ScoreOrder"];

/**
 * Simulates an online shop's actor system for an hour before `now`: actors start, crash, are
 * restarted by their supervisor (one gives up after too many restarts and stops), messages to
 * stopped or unknown actors become dead letters, and an audit is taken every ten minutes.
 */
export function simulateActorSystem(seed: number, now: number = Date.now() / 1000): DemoRecord[] {
  const random = mulberry32(seed);
  const out: DemoRecord[] = [];
  const state = new Map<string, ActorState>();
  const restarts = new Map<string, number>();
  let deadLetters = 0;
  let t = now - 3600;
  const address = (id: string) => ({ system: SYSTEM, actor_id: id });
  const event = (id: string, type: string, payload: Record<string, unknown>) =>
    out.push({
      kind: "event",
      record: {
        system_id: SYSTEM,
        actor_address: address(id),
        event_type: type,
        payload,
        timestamp: t,
      },
    });
  const tick = (maxSeconds: number) => {
    t += 0.05 + random() * maxSeconds;
  };
  const audit = () => {
    const ids = [...state.keys()];
    const count = (s: ActorState) => ids.filter((id) => state.get(id) === s).length;
    const dead = ids.filter((id) => state.get(id) === "stopped").map((id) => `${SYSTEM}:${id}`);
    out.push({
      kind: "audit",
      record: {
        system_id: SYSTEM,
        timestamp: t,
        total_actors: ids.length,
        alive_actors: count("alive"),
        stopping_actors: count("stopping"),
        restarting_actors: count("restarting"),
        registry_size: ids.length,
        registry_orphans: random() < 0.3 ? [`${SYSTEM}:tmp-${Math.floor(random() * 1000)}`] : [],
        registry_dead: dead,
        dead_letters_count: deadLetters,
      },
    });
  };

  for (const id of ACTORS) {
    tick(0.5);
    state.set(id, "alive");
    event(id, "ActorStarted", { parent: id === "supervisor" ? null : `${SYSTEM}:supervisor` });
  }
  audit();

  let nextAudit = t + 600;
  while (t < now - 5) {
    tick(40);
    if (t >= nextAudit) {
      audit();
      nextAudit += 600;
      continue;
    }
    const id = ACTORS[1 + Math.floor(random() * (ACTORS.length - 1))] as string;
    const current = state.get(id);
    if (current === "stopped") {
      if (random() < 0.6) continue; // most callers noticed the actor is gone
      deadLetters += 1;
      out.push({
        kind: "dead_letter",
        record: {
          system_id: SYSTEM,
          target: `${SYSTEM}:${id}`,
          message_type: MESSAGES[Math.floor(random() * MESSAGES.length)] as string,
          payload: { order_id: `ord-${1000 + Math.floor(random() * 9000)}` },
          timestamp: t,
        },
      });
      continue;
    }
    if (random() < 0.25) {
      const crashes = (restarts.get(id) ?? 0) + 1;
      restarts.set(id, crashes);
      event(id, "ActorCrashed", {
        error: CRASHES[Math.floor(random() * CRASHES.length)],
        restart_count: crashes - 1,
      });
      if (id === "email-worker-3" && crashes >= 3) {
        state.set(id, "stopping");
        tick(1);
        state.set(id, "stopped");
        event(id, "ActorStopped", { reason: "max_restarts_exceeded", max_restarts: 3 });
      } else {
        state.set(id, "restarting");
        tick(2);
        state.set(id, "alive");
        event(id, "ActorRestarted", { strategy: "one_for_one", attempt: crashes });
      }
    } else if (random() < 0.1) {
      deadLetters += 1;
      out.push({
        kind: "dead_letter",
        record: {
          system_id: SYSTEM,
          target: null,
          message_type: "PriceQuote",
          payload: { reason: "no route to actor", sender: `${SYSTEM}:${id}` },
          timestamp: t,
        },
      });
    }
  }
  if (out[out.length - 1]?.kind !== "audit") audit();
  return out;
}
