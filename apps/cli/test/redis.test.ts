import { openRedisStore } from "@papyra/backend-redis";
import { freePort, RedisServer } from "@papyra/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, deadLetter, event, papyra, papyraJson, tempProject } from "./helpers.js";

let server: RedisServer | undefined;
let url = "";
const cwd = tempProject();

beforeAll(async () => {
  // A server that keeps nothing on disk, so `doctor run` has a warning to show.
  server = await RedisServer.start();
  url = server.url;
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

afterAll(async () => {
  await server?.stop();
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
