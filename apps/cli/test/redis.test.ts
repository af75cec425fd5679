import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openRedisStore } from "@papyra/backend-redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, deadLetter, event, papyra, papyraJson, tempProject } from "./helpers.js";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (chunk) => {
      socket.destroy();
      resolve(chunk.toString().startsWith("+PONG"));
    });
  });
}

let server: ChildProcess | undefined;
let dataDir = "";
let url = "";
const cwd = tempProject();

beforeAll(async () => {
  const port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), "papyra-cli-redis-"));
  // A server that keeps nothing on disk, so `doctor run` has a warning to show.
  server = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dataDir,
    ],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 100 && !(await answersPing(port)); i++) await sleep(50);
  url = `redis://127.0.0.1:${port}`;
  const store = await openRedisStore({ url, systemId: "shop" });
  for (const r of [
    event(1, "ActorStarted", "a"),
    event(2, "ActorCrashed", "a"),
    audit(3, 2, 1),
    deadLetter(4, "Ping", "sys:a"),
  ]) {
    if (r.kind === "event") await store.recordEvent(r.record);
    else if (r.kind === "audit") await store.recordAudit(r.record);
    else await store.recordDeadLetter(r.record);
  }
  await store.close();
});

afterAll(() => {
  server?.kill("SIGKILL");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("the CLI on a real Redis server", () => {
  it("inspects, scans, checks and shows durable metrics with --backend redis and its flags", async () => {
    const args = ["--backend", "redis", "--redis-url", url, "--redis-system-id", "shop"];
    const [events, scan, doctor, metrics, summary] = await Promise.all([
      papyra(["inspect", "events", ...args], { cwd }),
      papyraJson(["persistence", "scan", ...args], { cwd }),
      papyraJson(["doctor", "run", ...args], { cwd }),
      papyraJson(["metrics", "persistence", ...args], { cwd }),
      papyra(["inspect", "summary", ...args], { cwd }),
    ]);
    expect(events.code).toBe(0);
    expect(events.stdout).toBe(
      "[1970-01-01T00:00:01.000Z] ActorStarted sys:a\n[1970-01-01T00:00:02.000Z] ActorCrashed sys:a\n",
    );
    expect(scan.code).toBe(0);
    expect(scan.doc).toMatchObject({
      store: { backend: "redis", package: "@papyra/backend-redis" },
      scan: { anomalies: [] },
    });
    expect(doctor.code).toBe(0);
    expect((doctor.doc.warnings as string[]).join("\n")).toMatch(/keeps nothing on disk/);
    expect(doctor.stderr).toMatch(/papyra: warning: .*keeps nothing on disk/);
    expect(metrics.doc).toMatchObject({ metrics: { available: true } });
    expect(summary.stdout).toMatch(/Total actors:\s+2/);
  });

  it("takes the URL from PAPYRA_REDIS_URL", async () => {
    const { code, stdout } = await papyra(
      ["inspect", "dead-letters", "--redis-system-id", "shop"],
      {
        cwd,
        env: { PAPYRA_BACKEND: "redis", PAPYRA_REDIS_URL: url },
      },
    );
    expect(code).toBe(0);
    expect(stdout).toBe("[1970-01-01T00:00:04.000Z] Ping -> sys:a\n");
  });

  it("exits 69 when nothing listens on the port, without printing the password", async () => {
    const port = await freePort();
    const { code, stderr } = await papyra(
      [
        "inspect",
        "events",
        "--backend",
        "redis",
        "--redis-url",
        `redis://:hunter2@127.0.0.1:${port}`,
        "--redis-connect-timeout-ms",
        "300",
      ],
      { cwd },
    );
    expect(code).toBe(69);
    expect(stderr).not.toContain("hunter2");
  });

  it("bad options are reported field by field (78)", async () => {
    const { code, stderr } = await papyra(
      [
        "inspect",
        "events",
        "--backend",
        "redis",
        "--redis-connect-timeout-ms",
        "-5",
        "--redis-prefix",
        "",
      ],
      { cwd },
    );
    expect(code).toBe(78);
    expect(stderr).toMatch(/connectTimeoutMs \(--redis-connect-timeout-ms\)/);
    expect(stderr).toMatch(/prefix \(--redis-prefix\)/);
  });
});
