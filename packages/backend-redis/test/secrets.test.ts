import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { ErrorCode, parseBackendOptions } from "@papyra/core";
import { RedisServer, redisCli } from "@papyra/test-support";
import { makeEvent } from "@papyra/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backend, openRedisStore } from "../src/index.js";

// Passwords with every character a URL gives a meaning to.
const DEFAULT_PASSWORD = "d/ef#au@lt%pw?1";
const USER_PASSWORD = "us/er#p@ss%w0rd:x";
const WRONG_PASSWORD = "wr/ong#p@ss%w0rd";
const enc = encodeURIComponent;

let server: RedisServer;

beforeAll(async () => {
  server = await RedisServer.start({ extraArgs: ["--requirepass", DEFAULT_PASSWORD] });
  const admin = ["-a", DEFAULT_PASSWORD, "--no-auth-warning", "ACL", "SETUSER"];
  redisCli(server.port, ...admin, "papyra", "on", `>${USER_PASSWORD}`, "~*", "+@all");
  redisCli(server.port, ...admin, "reader", "on", `>${USER_PASSWORD}`, "~*", "+@all", "-xadd");
});

afterAll(async () => {
  await server?.stop();
});

/** Every way an error can show itself: message, stack, properties, causes, inspect, JSON. */
function renderings(error: unknown): string {
  const texts = [
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(error),
    String(error),
  ];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (typeof current !== "object") {
      texts.push(String(current));
      break;
    }
    for (const key of Reflect.ownKeys(current)) {
      texts.push(String(key), inspect((current as Record<PropertyKey, unknown>)[key]));
    }
    texts.push(JSON.stringify(Object.entries(current)));
    current = (current as { cause?: unknown }).cause;
  }
  return texts.join("\n");
}

function expectNoSecret(text: string): void {
  for (const secret of [DEFAULT_PASSWORD, USER_PASSWORD, WRONG_PASSWORD]) {
    for (const form of [secret, enc(secret), secret.slice(0, 6), secret.slice(-6)]) {
      expect(text).not.toContain(form);
    }
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("passwords with / # @ % ? and :", () => {
  it("work percent-encoded in the URL (ACL user or default user) and given as the password option", async () => {
    const host = `127.0.0.1:${server.port}`;
    for (const options of [
      { url: `redis://papyra:${enc(USER_PASSWORD)}@${host}` },
      { url: `redis://:${enc(DEFAULT_PASSWORD)}@${host}/0` },
      { url: `redis://${host}`, username: "papyra", password: USER_PASSWORD },
      { url: `redis://papyra@${host}`, password: USER_PASSWORD },
      { url: `redis://${host}`, password: DEFAULT_PASSWORD },
    ]) {
      await using store = await openRedisStore({ ...options, prefix: randomUUID() });
      await store.recordEvent(makeEvent(1));
      expect(await store.listEvents()).toEqual([makeEvent(1)]);
      const scan = await store.scan();
      expectNoSecret(store.location);
      expectNoSecret(JSON.stringify(scan));
      expectNoSecret((await store.diagnostics()).join("\n"));
    }
  });

  it("a wrong password fails at once with PersistenceUnavailableError that holds it nowhere", async () => {
    const host = `127.0.0.1:${server.port}`;
    for (const options of [
      { url: `redis://papyra:${enc(WRONG_PASSWORD)}@${host}` },
      { url: `redis://:${enc(WRONG_PASSWORD)}@${host}` },
      { url: `redis://${host}`, username: "papyra", password: WRONG_PASSWORD },
      { url: `redis://${host}`, password: WRONG_PASSWORD },
    ]) {
      const error = await rejection(
        openRedisStore({ ...options, prefix: randomUUID(), connectTimeoutMs: 60_000 }),
      );
      expect(error).toMatchObject({ code: ErrorCode.unavailable });
      expect((error as Error).message).toMatch(/WRONGPASS/);
      expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
      expectNoSecret(renderings(error));
    }
  });

  it("an unencoded password in the URL is a configuration error naming url, with the password masked", async () => {
    const host = `127.0.0.1:${server.port}`;
    for (const url of [
      `redis://papyra:${USER_PASSWORD}@${host}`,
      `redis://:${DEFAULT_PASSWORD}@${host}`,
      `redis://papyra:${WRONG_PASSWORD}@${host}/0`,
      `redis://:50%zz${WRONG_PASSWORD.slice(-6)}@${host}`,
      `redis://:12/${WRONG_PASSWORD.slice(-6)}@${host}`,
    ]) {
      const error = await rejection(openRedisStore({ url }));
      expect(error).toMatchObject({ code: ErrorCode.configuration });
      expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(["url"]);
      expect((error as Error).message).toMatch(/redis:\/\/(papyra)?:\*\*\*@127\.0\.0\.1/);
      expect((error as Error).message).toMatch(/percent-encode/i);
      expectNoSecret(renderings(error));

      // The same through the backend definition, as the CLI parses flags and the environment.
      let parsed: unknown;
      try {
        parseBackendOptions(backend, { url });
      } catch (e) {
        parsed = e;
      }
      expect(parsed).toMatchObject({ code: ErrorCode.configuration });
      expectNoSecret(renderings(parsed));
    }
  });

  it("errors of commands on a connected store keep the command's name, never its arguments", async () => {
    await using store = await openRedisStore({
      url: `redis://reader:${enc(USER_PASSWORD)}@127.0.0.1:${server.port}`,
      prefix: randomUUID(),
    });
    const error = await rejection(store.recordEvent(makeEvent(7, { payload: { card: "4111" } })));
    expect(error).toMatchObject({ code: ErrorCode.unavailable });
    expect((error as Error).message).toMatch(/NOPERM/);
    const cause = (error as Error).cause as { command?: string; args?: unknown };
    expect(cause.command).toBe("xadd");
    expect(cause.args).toBeUndefined();
    const shown = renderings(error);
    expect(shown).not.toContain("4111");
    expectNoSecret(shown);
  });
});
