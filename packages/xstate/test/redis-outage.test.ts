import { randomUUID } from "node:crypto";
import { openRedisStore } from "@papyra/backend-redis";
import type { DropReport, WriteErrorReport } from "@papyra/core";
import { RedisServer } from "@papyra/test-support";
import { describe, expect, it, vi } from "vitest";
import { createActor } from "xstate";
import { createPapyraInspector } from "../src/index.js";
import { supervisor } from "./machines.js";

describe("@papyra/xstate on Redis", () => {
  it("keeps the actor system running through a real Redis crash, counts what it drops, and writes again once Redis is back", {
    timeout: 120_000,
  }, async () => {
    const server = await RedisServer.start({ persistent: true });
    const backend = await openRedisStore({
      url: server.url,
      prefix: randomUUID(),
      offlineTimeoutMs: 200,
      commandTimeoutMs: 1000,
    });
    try {
      const drops: DropReport[] = [];
      const errors: WriteErrorReport[] = [];
      const inspector = await createPapyraInspector({
        backend,
        systemId: "shop",
        auditIntervalMs: false,
        recorder: {
          maxPendingRecords: 4,
          retryDelayMs: 20,
          maxRetryDelayMs: 100,
          onDrop: (report) => drops.push(report),
          onError: (report) => errors.push(report),
        },
      });
      const root = createActor(supervisor, { inspect: inspector.inspect }).start();
      root.send({ type: "SPAWN", id: "before" });
      expect((await inspector.flush(30_000)).drained).toBe(true);

      await server.kill();
      for (let i = 0; i < 10; i++) root.send({ type: "SPAWN", id: `w${i}` });
      root.send({ type: "TO_CHILD", id: "w0", message: { type: "WORK" } });
      expect(root.getSnapshot().status).toBe("active");
      expect(Object.keys(root.getSnapshot().children)).toHaveLength(11);
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 60_000 });
      expect(drops.reduce((sum, d) => sum + d.count, 0)).toBe(6);

      await server.resume();
      await vi.waitFor(async () => expect((await inspector.flush(1_000)).drained).toBe(true), {
        timeout: 60_000,
        interval: 50,
      });
      root.send({ type: "SPAWN", id: "after" });
      inspector.audit();
      expect((await inspector.flush(30_000)).drained).toBe(true);

      const started = (await backend.listEvents()).map(
        (e) => (e.actor_address as { actor_id: string }).actor_id,
      );
      expect(started).toEqual([
        "supervisor",
        "supervisor/before",
        "supervisor/w0",
        "supervisor/w1",
        "supervisor/w2",
        "supervisor/w3",
        "supervisor/after",
      ]);
      expect((await backend.listAudits())[0]).toMatchObject({
        alive_actors: 13,
        dropped_records: 6,
      });
      await inspector.close();
    } finally {
      await backend.close();
      await server.stop();
    }
  });
});
