import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { openJsonStore } from "@papyra/backend-json";
import { formatAddress, type StoredActorEvent } from "@papyra/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createActor } from "xstate";
import { createPapyraInspector } from "../src/index.js";
import { supervisor, tempStorePath } from "./machines.js";

const run = promisify(execFile);
const papyraBin = join(
  dirname(createRequire(import.meta.url).resolve("papyra/package.json")),
  "dist",
  "bin.js",
);

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.close();
});

async function openStore(path = tempStorePath()) {
  const backend = await openJsonStore({ path, durability: "os" });
  opened.push(backend);
  return { backend, path };
}

const line = (e: StoredActorEvent) => `${e.event_type} ${formatAddress(e.actor_address)}`;

describe("@papyra/xstate against a real XState system", () => {
  it("records children spawned, finished, crashed, stopped and restarted, with readable addresses", async () => {
    const { backend } = await openStore();
    const inspector = await createPapyraInspector({
      backend,
      systemId: "shop",
      auditIntervalMs: false,
    });
    const root = createActor(supervisor, { inspect: inspector.inspect }).start();
    root.send({ type: "SPAWN", id: "a" });
    root.send({ type: "SPAWN", id: "b" });
    root.send({ type: "SPAWN_MAILER" });
    root.send({ type: "TO_CHILD", id: "a", message: { type: "FINISH" } });
    root.send({ type: "TO_CHILD", id: "b", message: { type: "BOOM" } });
    root.send({ type: "STOP_CHILD", id: "mailer" });
    root.send({ type: "SPAWN", id: "a" });
    // The system went on: the parent counted the crash and is still running.
    expect(root.getSnapshot()).toMatchObject({ status: "active", context: { crashes: 1 } });
    await inspector.close();

    const events = await backend.listEvents();
    expect(events.map(line)).toEqual([
      "ActorStarted shop:supervisor",
      "ActorStarted shop:supervisor/a",
      "ActorStarted shop:supervisor/b",
      "ActorStarted shop:mailer",
      "ActorStopped shop:supervisor/a",
      "ActorCrashed shop:supervisor/b",
      "ActorStopped shop:mailer",
      "ActorRestarted shop:supervisor/a",
    ]);
    expect(events[4]?.payload).toMatchObject({ reason: "done" });
    expect(events[5]?.payload).toMatchObject({
      error: { name: "Error", message: "payment declined" },
    });
    expect(events[6]?.payload).toMatchObject({ reason: "stopped" });
    expect(events[1]?.payload).toMatchObject({ parent: "shop:supervisor" });
    expect(events[1]?.payload.session_id).toMatch(/^x:\d+$/);
    expect(events[7]?.payload.session_id).not.toBe(events[1]?.payload.session_id);
  });

  it("records events sent to stopped actors as dead letters, JSON-safe, and counts them in the audit", async () => {
    const { backend } = await openStore();
    const inspector = await createPapyraInspector({
      backend,
      systemId: "shop",
      auditIntervalMs: false,
    });
    const root = createActor(supervisor, { inspect: inspector.inspect }).start();
    root.send({ type: "SPAWN", id: "a" });
    const child = root.getSnapshot().children.a;
    root.send({ type: "STOP_CHILD", id: "a" });
    // What JSON cannot carry as is: a BigInt, a Date, a function, a cycle.
    const late: Record<string, unknown> = {
      type: "WORK",
      card: "4111",
      amount: 5n,
      at: new Date(0),
      notify: () => {},
    };
    late.self = late;
    child?.send(late as never);
    root.stop();
    root.send({ type: "SPAWN", id: "late" });
    await inspector.close();

    const letters = await backend.listDeadLetters();
    expect(letters.map((l) => [l.message_type, l.target])).toEqual([
      ["WORK", { system: "shop", actor_id: "supervisor/a" }],
      ["SPAWN", { system: "shop", actor_id: "supervisor" }],
    ]);
    expect(letters[0]?.payload).toEqual({
      type: "WORK",
      card: "4111",
      amount: "5",
      at: "1970-01-01T00:00:00.000Z",
      self: "[Circular]",
    });
    const [audit] = await backend.listAudits();
    expect(audit).toMatchObject({
      system_id: "shop",
      dead_letters_count: 2,
      alive_actors: 0,
      registry_dead: ["shop:supervisor/a", "shop:supervisor"],
      dropped_records: 0,
    });
  });

  // Two CLI processes: generous for a loaded machine.
  it("audits what runs, and `papyra inspect summary` reads it back", {
    timeout: 120_000,
  }, async () => {
    const { backend, path } = await openStore();
    const inspector = await createPapyraInspector({
      backend,
      systemId: "shop",
      auditIntervalMs: false,
    });
    const root = createActor(supervisor, { inspect: inspector.inspect }).start();
    root.send({ type: "SPAWN_MAILER" });
    root.send({ type: "SPAWN", id: "b" });
    root.send({ type: "TO_CHILD", id: "b", message: { type: "BOOM" } });
    inspector.audit();
    await inspector.flush();
    expect((await backend.listAudits())[0]).toMatchObject({
      total_actors: 2,
      alive_actors: 2,
      stopping_actors: 0,
      restarting_actors: 0,
      registry_size: 1,
      registry_orphans: [],
      registry_dead: ["shop:supervisor/b"],
      dead_letters_count: 0,
    });
    await inspector.close();
    await backend.close();

    const { stdout } = await run(process.execPath, [
      papyraBin,
      "inspect",
      "summary",
      "--path",
      path,
      "--json",
    ]);
    const summary = (JSON.parse(stdout) as { summary: Record<string, unknown> }).summary;
    expect(summary).toMatchObject({ audits: 2, system_id: "shop", dead_letters_count: 0 });
    const human = await run(process.execPath, [papyraBin, "inspect", "summary", "--path", path], {
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(human.stdout).toMatch(/Audits recorded:\s+2/);
    expect(human.stdout).toMatch(/Registry dead:\s+1 \(shop:supervisor\/b\)/);
  });

  it("writes an audit every auditIntervalMs while the system runs", async () => {
    const { backend } = await openStore();
    const inspector = await createPapyraInspector({
      backend,
      systemId: "shop",
      auditIntervalMs: 20,
    });
    const root = createActor(supervisor, { inspect: inspector.inspect }).start();
    root.send({ type: "SPAWN", id: "a" });
    await vi.waitFor(
      async () => {
        await inspector.flush();
        expect((await backend.listAudits()).length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 60_000, interval: 20 },
    );
    const audits = await backend.listAudits();
    expect(audits[0]).toMatchObject({ alive_actors: 2, total_actors: 2 });
    await inspector.close();
    // close() adds one more (an interval audit may also have fired meanwhile).
    expect((await backend.listAudits()).length).toBeGreaterThan(audits.length);
  });

  it("leaves out or redacts payloads, and samples dead letters while counting every one", async () => {
    const { backend } = await openStore();
    const inspector = await createPapyraInspector({
      backend,
      systemId: "shop",
      auditIntervalMs: false,
      payloads: ({ type, card }) => ({ type, card: typeof card === "string" ? "****" : null }),
      sample: { deadLetters: 0.5, deliveries: 0.5 },
    });
    const root = createActor(supervisor, { inspect: inspector.inspect }).start();
    root.send({ type: "SPAWN", id: "a" });
    const child = root.getSnapshot().children.a;
    root.send({ type: "STOP_CHILD", id: "a" });
    for (let i = 0; i < 6; i++) child?.send({ type: "WORK", card: "4111 1111" });
    await inspector.close();
    const letters = await backend.listDeadLetters();
    expect(letters).toHaveLength(3);
    expect(letters[0]?.payload).toEqual({ type: "WORK", card: "****" });
    expect(inspector.deadLettersSeen).toBe(6);
    expect((await backend.listAudits())[0]?.dead_letters_count).toBe(6);
    // Two events were delivered (SPAWN, STOP_CHILD; init events are not deliveries): one of two is kept.
    const delivered = (await backend.listEvents()).filter((e) => e.event_type === "EventDelivered");
    expect(delivered.map((e) => [e.actor_address, e.payload])).toEqual([
      [
        { system: "shop", actor_id: "supervisor" },
        { message_type: "STOP_CHILD", event: { type: "STOP_CHILD", card: null }, sender: null },
      ],
    ]);
  });
});
