import { readFileSync, writeFileSync } from "node:fs";
import { openJsonStore } from "@papyra/backend-json";
import {
  type DropReport,
  type PersistenceBackend,
  PersistenceStartupError,
  PersistenceUnavailableError,
  PersistenceValidationError,
  type WriteErrorReport,
} from "@papyra/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createActor } from "xstate";
import { createPapyraInspector } from "../src/index.js";
import { supervisor, tempStorePath } from "./machines.js";

const opened: PersistenceBackend[] = [];
afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.close();
});

/**
 * A real json store whose writes can be switched to fail as a full disk's do. Injected: a disk
 * cannot be filled on demand here (and root ignores permissions).
 */
function withOutage(backend: PersistenceBackend) {
  const outage = { down: false };
  const guard =
    <T>(write: (record: T) => Promise<void>) =>
    (record: T): Promise<void> =>
      outage.down
        ? Promise.reject(new PersistenceUnavailableError("ENOSPC: no space left on device"))
        : write(record);
  const store: PersistenceBackend = {
    recordEvent: guard((r) => backend.recordEvent(r)),
    recordAudit: guard((r) => backend.recordAudit(r)),
    recordDeadLetter: guard((r) => backend.recordDeadLetter(r)),
    listEvents: (q) => backend.listEvents(q),
    listAudits: (q) => backend.listAudits(q),
    listDeadLetters: (q) => backend.listDeadLetters(q),
    scan: (o) => backend.scan!(o),
    close: () => backend.close(),
    [Symbol.asyncDispose]: () => backend.close(),
  };
  return { store, outage };
}

describe("@papyra/xstate when the store fails", () => {
  it("keeps the actor system running while the store fails mid-run, bounds what waits, and counts the drops", async () => {
    const json = await openJsonStore({ path: tempStorePath(), durability: "os" });
    opened.push(json);
    const { store, outage } = withOutage(json);
    const drops: DropReport[] = [];
    const errors: WriteErrorReport[] = [];
    const inspector = await createPapyraInspector({
      backend: store,
      systemId: "shop",
      auditIntervalMs: false,
      recorder: {
        maxPendingRecords: 4,
        retryDelayMs: 5,
        maxRetryDelayMs: 20,
        onDrop: (report) => drops.push(report),
        onError: (report) => errors.push(report),
      },
    });
    const root = createActor(supervisor, { inspect: inspector.inspect }).start();
    root.send({ type: "SPAWN", id: "before" });
    await inspector.flush();

    outage.down = true;
    for (let i = 0; i < 10; i++) root.send({ type: "SPAWN", id: `w${i}` });
    root.send({ type: "TO_CHILD", id: "w0", message: { type: "WORK" } });
    // The actors never saw the failure.
    expect(root.getSnapshot().status).toBe("active");
    expect(Object.keys(root.getSnapshot().children)).toHaveLength(11);
    expect(root.getSnapshot().children.w0?.getSnapshot().context).toEqual({ handled: 1 });
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
    expect(String(errors[0]?.error)).toContain("ENOSPC");
    expect(drops).toEqual([expect.objectContaining({ reason: "overflow", count: 6 })]);
    expect(inspector.recorder.metrics.snapshot()).toMatchObject({
      recorder_pending_records: 4,
      recorder_dropped_overflow: 6,
      recorder_dropped_events: 6,
    });

    outage.down = false;
    // The store is back: what waited is written (flush retries at once).
    expect(await inspector.flush()).toEqual({ drained: true, pending_records: 0 });
    root.send({ type: "SPAWN", id: "after" });
    inspector.audit();
    await inspector.flush();
    const events = await json.listEvents();
    const started = events.map((e) => (e.actor_address as { actor_id: string }).actor_id);
    expect(started).toEqual([
      "supervisor",
      "supervisor/before",
      "supervisor/w0",
      "supervisor/w1",
      "supervisor/w2",
      "supervisor/w3",
      "supervisor/after",
    ]);
    const [audit] = await json.listAudits();
    expect(audit).toMatchObject({ alive_actors: 13, dropped_records: 6 });
    await inspector.close();
  });

  it("rejects with PersistenceStartupError on a damaged store, so no actor starts, and changes nothing", async () => {
    const path = tempStorePath();
    const good = JSON.stringify({
      kind: "event",
      system_id: "shop",
      actor_address: "shop:order",
      event_type: "ActorStarted",
      payload: {},
      timestamp: 1,
    });
    writeFileSync(path, `${good}\n{"kind":"event","system_id":\u0000garbage\n${good}\n`);
    const before = readFileSync(path);
    const backend = await openJsonStore({ path, durability: "os" });
    opened.push(backend);
    let actorStarted = false;
    const starting = (async () => {
      const inspector = await createPapyraInspector({
        backend,
        systemId: "shop",
        startup: "fail_on_anomaly",
      });
      createActor(supervisor, { inspect: inspector.inspect }).start();
      actorStarted = true;
    })();
    const error = await starting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersistenceStartupError);
    expect((error as PersistenceStartupError).scan?.anomalies).toHaveLength(1);
    expect(actorStarted).toBe(false);
    expect(readFileSync(path)).toEqual(before);

    const recovered = await createPapyraInspector({
      backend,
      systemId: "shop",
      startup: "recover",
    });
    expect(recovered.startup.recovery).not.toBeNull();
    expect(recovered.startup.remaining_anomalies).toBe(0);
    await recovered.close();
  });

  it("refuses bad options before touching the store", async () => {
    const backend = await openJsonStore({ path: tempStorePath(), durability: "os" });
    opened.push(backend);
    await expect(
      createPapyraInspector({
        backend,
        systemId: "",
        auditIntervalMs: -1,
        sample: { deadLetters: 2 },
      }),
    ).rejects.toThrow(PersistenceValidationError);
    await expect(
      createPapyraInspector({ backend, systemId: "shop", startup: "sometimes" as never }),
    ).rejects.toThrow(/startup/);
  });
});
