import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { PersistenceBackend } from "@papyra/core";
import { createPapyraInspector, type PapyraInspector } from "@papyra/xstate";
import {
  type AnyActorRef,
  assign,
  createActor,
  type InspectionEvent,
  setup,
  spawnChild,
} from "xstate";
import { requireBackend } from "../backends.js";
import type { XStateResult } from "../tasks.js";

/** Events sent between two turns of the event loop (when the recorder's writes run). */
const CHUNK = 1000;
/** One event in this many spawns a child (ActorStarted, then ActorStopped when it finishes). */
const SPAWN_EVERY = 100;
/** One event in this many goes to a finished child (a dead letter). */
const LATE_EVERY = 1000;

const line = setup({}).createMachine({
  id: "line",
  initial: "open",
  states: { open: { on: { CLOSE: "closed" } }, closed: { type: "final" } },
});

type DeskEvent = { type: "ITEM"; sku: string; qty: number } | { type: "OPEN_LINE"; id: string };

/** An order desk: counts items, and spawns an order-line child now and then. */
const desk = setup({
  types: { events: {} as DeskEvent, context: {} as { items: number; qty: number } },
  actors: { line },
}).createMachine({
  id: "desk",
  context: { items: 0, qty: 0 },
  on: {
    ITEM: {
      actions: assign({
        items: ({ context }) => context.items + 1,
        qty: ({ context, event }) => context.qty + event.qty,
      }),
    },
    OPEN_LINE: { actions: spawnChild("line", { id: ({ event }) => event.id }) },
  },
});

/**
 * Drives the desk as fast as it can for `durationMs`: items, a child spawned and finished every
 * SPAWN_EVERY events, an event to a finished child every LATE_EVERY. Yields to the event loop
 * every CHUNK events so background work (the recorder's writes) runs as in a real service.
 */
async function drive(
  inspect: ((event: InspectionEvent) => void) | undefined,
  durationMs: number,
): Promise<{ events: number; wallMs: number; cpuMs: number }> {
  const root = createActor(desk, { inspect }).start();
  let events = 0;
  let lastFinished: AnyActorRef | undefined;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let step = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < CHUNK; i++, step++) {
      if (step % SPAWN_EVERY === 0) {
        const id = `l${step}`;
        root.send({ type: "OPEN_LINE", id });
        const child = root.getSnapshot().children[id] as AnyActorRef;
        child.send({ type: "CLOSE" });
        lastFinished = child;
        events += 2;
      } else if (step % LATE_EVERY === 1 && lastFinished) {
        lastFinished.send({ type: "CLOSE" });
        events++;
      } else {
        root.send({ type: "ITEM", sku: "A-1", qty: 1 });
        events++;
      }
    }
    await yieldToLoop();
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  root.stop();
  return { events, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function openInspector(
  dir: string,
): Promise<{ inspector: PapyraInspector; store: PersistenceBackend }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = await (await requireBackend("json"))({
    path: join(dir, "store.ndjson"),
    durability: "os",
  });
  const inspector = await createPapyraInspector({
    backend: store,
    systemId: "bench",
    auditIntervalMs: 1000,
  });
  return { inspector, store };
}

type Subject = "bare" | "empty" | "inspected";

/**
 * The desk system bare, with an empty inspect callback (what XState's Inspect API costs by
 * itself), and inspected by @papyra/xstate into a json `os` store, in one process: a warmup of
 * each, then `rounds` rounds, the order reversed every other round, each from a fresh system
 * (and store).
 */
export async function runXState(task: {
  durationMs: number;
  rounds: number;
  dir: string;
}): Promise<XStateResult> {
  const result: XStateResult = {
    bare: [],
    empty: [],
    inspected: [],
    bareCpu: [],
    emptyCpu: [],
    inspectedCpu: [],
    events: 0,
    recordsWritten: 0,
    recordsDropped: 0,
    inspectionEventsPerEvent: 0,
  };
  const once = async (subject: Subject, durationMs: number) => {
    if (subject === "bare") return drive(undefined, durationMs);
    if (subject === "empty") {
      let calls = 0;
      const run = await drive(() => {
        calls++;
      }, durationMs);
      result.inspectionEventsPerEvent = run.events > 0 ? calls / run.events : 0;
      return run;
    }
    const { inspector, store } = await openInspector(task.dir);
    const run = await drive(inspector.inspect, durationMs);
    await inspector.close();
    const metrics = inspector.recorder.metrics.snapshot();
    await store.close();
    result.recordsWritten += metrics.recorder_records_written;
    result.recordsDropped += metrics.recorder_records_dropped;
    return run;
  };
  const subjects: Subject[] = ["bare", "empty", "inspected"];
  const warmupMs = Math.min(300, task.durationMs);
  for (const subject of subjects) await once(subject, warmupMs);
  result.recordsWritten = 0;
  result.recordsDropped = 0;
  for (let round = 0; round < task.rounds; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const subject of order) {
      const run = await once(subject, task.durationMs);
      result[subject].push((run.events * 1000) / run.wallMs);
      result[`${subject}Cpu`].push(run.cpuMs > 0 ? (run.events * 1000) / run.cpuMs : 0);
      if (subject === "inspected") result.events += run.events;
    }
  }
  rmSync(task.dir, { recursive: true, force: true });
  return result;
}
