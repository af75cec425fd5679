import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openRotatingStore } from "@papyra/backend-rotating";
import { RedisServer } from "@papyra/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseEnv,
  CLI,
  event,
  startWriter,
  tempProject,
  writeStore,
  writeThrough,
} from "./helpers.js";

/** A running `papyra ... --follow` whose stdout lines can be awaited one count at a time. */
interface Follower {
  child: ChildProcess;
  lines(): string[];
  /** Resolves once stdout holds at least `count` complete lines. */
  waitForLines(count: number): Promise<string[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
});

function follow(args: string[], cwd: string): Follower {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: baseEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let stdout = "";
  let stderr = "";
  const waiters: { count: number; resolve: (lines: string[]) => void }[] = [];
  const complete = () => stdout.split("\n").slice(0, -1);
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const lines = complete();
    for (const waiter of waiters.splice(0)) {
      if (lines.length >= waiter.count) waiter.resolve(lines);
      else waiters.push(waiter);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
  }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  return {
    child,
    lines: complete,
    waitForLines(count) {
      const lines = complete();
      if (lines.length >= count) return Promise.resolve(lines);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    exited,
  };
}

describe("inspect --follow", () => {
  it("prints the newest --limit records, then each record a writer in another process appends, until Ctrl-C (exit 130)", async () => {
    const dir = tempProject();
    const path = join(dir, "papyra.ndjson");
    writeStore(path, [event(1, "Old", "a"), event(2, "Older", "b"), event(3, "Kept", "c")]);
    const writer = await startWriter(path);
    const tail = follow(
      ["inspect", "events", "--follow", "--limit", "1", "--json", "--path", path],
      dir,
    );
    const backlog = await tail.waitForLines(1);
    expect(JSON.parse(backlog[0] as string)).toMatchObject({ event_type: "Kept", timestamp: 3 });

    await writeThrough(writer, 5);
    const afterFive = await tail.waitForLines(6);
    await writeThrough(writer, 3);
    const all = await tail.waitForLines(9);
    expect(afterFive.length).toBeGreaterThanOrEqual(6);
    const actors = all.map(
      (line) =>
        (JSON.parse(line) as { actor_address: { actor_id: string } }).actor_address.actor_id,
    );
    expect(actors).toEqual(["c", ...Array.from({ length: 8 }, (_, i) => `worker-${i + 1}`)]);

    tail.child.kill("SIGINT");
    const { code, stderr } = await tail.exited;
    expect(stderr).toBe("");
    expect(code).toBe(130);
    expect(tail.lines()).toHaveLength(9); // nothing repeated, nothing after the end
  }, 60_000);

  it("follows a rotating store across rotations, in human form with the filters applied before --limit", async () => {
    const dir = tempProject();
    const path = join(dir, "app.log");
    const options = { path, maxBytes: 600, maxFiles: 10 };
    const store = await openRotatingStore(options);
    const record = (i: number, type: string) =>
      store.recordEvent({
        system_id: "sys",
        actor_address: { system: "sys", actor_id: `n${i}` },
        event_type: type,
        payload: { i },
        timestamp: 1_000 + i,
      });
    for (let i = 0; i < 6; i++) await record(i, i % 2 === 0 ? "Even" : "Odd");
    const args = ["inspect", "events", "--follow", "--limit", "2", "--event-type", "Even"];
    const tail = follow([...args, "--backend", "rotating", "--path", path, "--time", "epoch"], dir);
    expect(await tail.waitForLines(2)).toEqual([
      "[1002.000] Even sys:n2",
      "[1004.000] Even sys:n4",
    ]);
    // Enough records to rotate several times (each line is about 130 bytes).
    for (let i = 6; i < 40; i++) await record(i, i % 2 === 0 ? "Even" : "Odd");
    const lines = await tail.waitForLines(2 + 17);
    expect(lines.slice(2)).toEqual(
      Array.from({ length: 17 }, (_, k) => `[${1006 + 2 * k}.000] Even sys:n${6 + 2 * k}`),
    );
    await store.close();
    tail.child.kill("SIGTERM");
    expect((await tail.exited).code).toBe(0);
  }, 60_000);

  describe("on Redis", () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await RedisServer.start();
    });
    afterAll(() => redis.stop());

    it("uses blocking reads: records added by redis-cli (another process) print as they come, and Ctrl-C closes every connection", async () => {
      const dir = tempProject();
      const url = `redis://127.0.0.1:${redis.port}`;
      const add = (n: number) =>
        redis.cli(
          "XADD",
          "papyra:local:dead_letters",
          "*",
          "data",
          JSON.stringify({
            kind: "dead_letter",
            system_id: "s",
            target: "s:a",
            message_type: `M${n}`,
            payload: n,
            timestamp: n,
          }),
        );
      add(1);
      const clientsBefore = redis.cli("CLIENT", "LIST").trim().split("\n").length;
      const tail = follow(
        [
          "inspect",
          "dead-letters",
          "--follow",
          "--output",
          "ndjson",
          "--backend",
          "redis",
          "--redis-url",
          url,
        ],
        dir,
      );
      expect((await tail.waitForLines(1)).map((l) => JSON.parse(l).message_type)).toEqual(["M1"]);
      add(2);
      add(3);
      const lines = await tail.waitForLines(3);
      expect(lines.map((l) => JSON.parse(l).message_type)).toEqual(["M1", "M2", "M3"]);
      tail.child.kill("SIGINT");
      expect((await tail.exited).code).toBe(130);
      const count = () => redis.cli("CLIENT", "LIST").trim().split("\n").length;
      // The server notices the closed connections on its next event loop turn: wait for that.
      for (let i = 0; i < 500 && count() !== clientsBefore; i++) await sleep(10);
      expect(count()).toBe(clientsBefore);
    }, 60_000);
  });
});
