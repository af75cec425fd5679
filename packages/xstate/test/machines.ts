import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assign, sendTo, setup, spawnChild, stopChild } from "xstate";

/** A fresh directory for one test's store. */
export function tempStorePath(): string {
  return join(mkdtempSync(join(tmpdir(), "papyra-xstate-")), "papyra.ndjson");
}

/** A worker: `FINISH` ends it (done), `BOOM` throws inside a transition (crash). */
export const worker = setup({
  types: { events: {} as { type: "FINISH" } | { type: "BOOM" } | { type: "WORK"; card?: string } },
  actions: {
    explode: () => {
      throw new Error("payment declined");
    },
  },
}).createMachine({
  id: "worker",
  initial: "working",
  context: { handled: 0 },
  states: {
    working: {
      on: {
        WORK: { actions: assign({ handled: ({ context }) => context.handled + 1 }) },
        FINISH: "finished",
        BOOM: { actions: "explode" },
      },
    },
    finished: { type: "final" },
  },
});

type SupervisorEvent =
  | { type: "SPAWN"; id: string }
  | { type: "SPAWN_MAILER" }
  | { type: "STOP_CHILD"; id: string }
  | {
      type: "TO_CHILD";
      id: string;
      message: { type: "FINISH" } | { type: "BOOM" } | { type: "WORK" };
    }
  | { type: `xstate.error.actor.${string}`; error: unknown };

/**
 * A parent that spawns, stops and messages workers by id, and survives their crashes (it
 * handles `xstate.error.actor.*`, as a supervisor would).
 */
export const supervisor = setup({
  types: { events: {} as SupervisorEvent, context: {} as { crashes: number } },
  actors: { worker },
}).createMachine({
  id: "supervisor",
  context: { crashes: 0 },
  on: {
    SPAWN: {
      actions: spawnChild("worker", { id: ({ event }) => event.id }),
    },
    // A child registered in the system under a system id (XState's registry).
    SPAWN_MAILER: { actions: spawnChild("worker", { id: "mailer", systemId: "mailer" }) },
    STOP_CHILD: { actions: stopChild(({ event }) => event.id) },
    TO_CHILD: {
      actions: sendTo(
        ({ event }) => event.id,
        ({ event }) => event.message,
      ),
    },
    "xstate.error.actor.*": { actions: assign({ crashes: ({ context }) => context.crashes + 1 }) },
  },
});
