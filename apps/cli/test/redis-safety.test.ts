import { openRedisStore } from "@papyra/backend-redis";
import { freePort, RedisServer } from "@papyra/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event, papyra, papyraJson, tempProject } from "./helpers.js";

// Passwords with every character a URL gives a meaning to.
const DEFAULT_PASSWORD = "d/ef#au@lt%pw?1";
const USER_PASSWORD = "us/er#p@ss%w0rd:x";
const WRONG_PASSWORD = "wr/ong#p@ss%w0rd";
const enc = encodeURIComponent;

let server: RedisServer;
let host = "";
const cwd = tempProject();

beforeAll(async () => {
  server = await RedisServer.start({ extraArgs: ["--requirepass", DEFAULT_PASSWORD] });
  host = `127.0.0.1:${server.port}`;
  server.cli(
    ...["-a", DEFAULT_PASSWORD, "--no-auth-warning", "ACL", "SETUSER", "papyra", "on"],
    ...[`>${USER_PASSWORD}`, "~*", "+@all"],
  );
  const store = await openRedisStore({
    url: `redis://papyra:${enc(USER_PASSWORD)}@${host}`,
    systemId: "shop",
  });
  const started = event(1, "ActorStarted", "a");
  if (started.kind === "event") await store.recordEvent(started.record);
  await store.close();
});

afterAll(async () => {
  await server?.stop();
});

function expectNoSecret(text: string): void {
  for (const secret of [DEFAULT_PASSWORD, USER_PASSWORD, WRONG_PASSWORD]) {
    for (const form of [secret, enc(secret), secret.slice(0, 6), secret.slice(-6)]) {
      expect(text).not.toContain(form);
    }
  }
}

const redis = (...flags: string[]) => ["--backend", "redis", "--redis-system-id", "shop", ...flags];

describe("the CLI with Redis passwords containing / # @ % ? :", () => {
  it("works with the password percent-encoded in --redis-url or given in PAPYRA_REDIS_PASSWORD", async () => {
    const byUrl = await papyra(
      [
        "inspect",
        "events",
        ...redis("--redis-url", `redis://papyra:${enc(USER_PASSWORD)}@${host}`),
      ],
      { cwd },
    );
    expect(byUrl.code).toBe(0);
    expect(byUrl.stdout).toBe("[1970-01-01T00:00:01.000Z] ActorStarted sys:a\n");
    const byEnv = await papyraJson(["persistence", "scan", ...redis()], {
      cwd,
      env: { PAPYRA_REDIS_URL: `redis://papyra@${host}`, PAPYRA_REDIS_PASSWORD: USER_PASSWORD },
    });
    expect(byEnv.code).toBe(0);
    expect(byEnv.doc).toMatchObject({ scan: { anomalies: [], records_scanned: 1 } });
    expectNoSecret(byEnv.stdout + byEnv.stderr);
  });

  it("a wrong password exits 69 and prints it nowhere, also with --json and PAPYRA_DEBUG", async () => {
    for (const json of [[], ["--json"]]) {
      const wrong = await papyra(
        [
          "doctor",
          "run",
          ...json,
          ...redis("--redis-url", `redis://papyra:${enc(WRONG_PASSWORD)}@${host}`),
        ],
        { cwd, env: { PAPYRA_DEBUG: "1" } },
      );
      expect(wrong.code).toBe(69);
      expect(wrong.stderr).toMatch(/WRONGPASS/);
      expectNoSecret(wrong.stdout + wrong.stderr);
      const viaEnv = await papyra(["inspect", "events", ...json, ...redis()], {
        cwd,
        env: {
          PAPYRA_DEBUG: "1",
          PAPYRA_REDIS_URL: `redis://${host}`,
          PAPYRA_REDIS_PASSWORD: WRONG_PASSWORD,
        },
      });
      expect(viaEnv.code).toBe(69);
      expectNoSecret(viaEnv.stdout + viaEnv.stderr);
    }
  });

  it("an unencoded password in the URL exits 78 naming the flag or variable, the URL masked", async () => {
    const raw = `redis://papyra:${USER_PASSWORD}@${host}`;
    const byFlag = await papyra(["inspect", "events", ...redis("--redis-url", raw)], { cwd });
    expect(byFlag.code).toBe(78);
    expect(byFlag.stderr).toMatch(/url \(--redis-url, \$PAPYRA_REDIS_URL\)/);
    expect(byFlag.stderr).toContain(`redis://papyra:***@${host}`);
    expect(byFlag.stderr).toMatch(/percent-encode/i);
    expectNoSecret(byFlag.stdout + byFlag.stderr);
    const byEnv = await papyraJson(["persistence", "scan", ...redis()], {
      cwd,
      env: { PAPYRA_REDIS_URL: `redis://:${DEFAULT_PASSWORD}@${host}` },
    });
    expect(byEnv.code).toBe(78);
    expect(byEnv.doc).toMatchObject({ error: { code: "PAPYRA_CONFIGURATION" } });
    expectNoSecret(byEnv.stdout + byEnv.stderr);
  });
});

describe("the CLI against Redis locations", () => {
  it("exits 69 at once when nothing listens, without waiting for the connect timeout", async () => {
    const port = await freePort();
    const started = performance.now();
    const { code, stderr } = await papyra(
      ["doctor", "run", "--backend", "redis", "--redis-connect-timeout-ms", "120000"],
      { cwd, env: { PAPYRA_REDIS_URL: `redis://:${enc(WRONG_PASSWORD)}@127.0.0.1:${port}` } },
    );
    expect(code).toBe(69);
    expect(stderr).toMatch(/ECONNREFUSED/);
    expectNoSecret(stderr);
    // Nowhere near the 120 s connect timeout: a refused port is known at once (the bound only
    // leaves room for Node's start-up on a loaded machine).
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("a mistyped prefix or database is no store (exit 66) for reads, scans and doctor, and creates nothing", async () => {
    const url = `redis://papyra:${enc(USER_PASSWORD)}@${host}`;
    const keysBefore = server.cli("-a", DEFAULT_PASSWORD, "--no-auth-warning", "DBSIZE");
    for (const [flags, where] of [
      [["--redis-url", url, "--redis-prefix", "papyr"], `${host}/0`],
      [["--redis-url", `${url}/5`], `${host}/5`],
    ] as const) {
      for (const command of [
        ["inspect", "events"],
        ["persistence", "scan"],
        ["doctor", "run"],
      ]) {
        const result = await papyra([...command, ...redis(...flags)], { cwd });
        expect(result.code).toBe(66);
        expect(result.stderr).toContain(`No Papyra store in Redis at redis://papyra:***@${where}`);
        expect(result.stderr).toMatch(/under the prefix "papyra?:shop"/);
        expectNoSecret(result.stderr);
      }
    }
    expect(server.cli("-a", DEFAULT_PASSWORD, "--no-auth-warning", "DBSIZE")).toBe(keysBefore);
    expect(
      server.cli("-a", DEFAULT_PASSWORD, "--no-auth-warning", "-n", "5", "DBSIZE").trim(),
    ).toBe("0");
  });
});
