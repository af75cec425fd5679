import { randomUUID } from "node:crypto";
import { ErrorCode } from "@papyra/core";
import { freePort, RedisServer, redisCli } from "@papyra/test-support";
import { makeEvent } from "@papyra/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedisStore } from "../src/index.js";

const SECRET = "s3cr3t-pa55word";

let secured: RedisServer;

beforeAll(async () => {
  secured = await RedisServer.start({ extraArgs: ["--requirepass", SECRET] });
  redisCli(
    secured.port,
    "-a",
    SECRET,
    "--no-auth-warning",
    "ACL",
    "SETUSER",
    "papyra",
    "on",
    `>${SECRET}`,
    "~*",
    "+@all",
  );
});

afterAll(async () => {
  await secured?.stop();
});

describe("opening", () => {
  it("fails with PersistenceUnavailableError naming the redacted URL when nothing listens", async () => {
    const port = await freePort();
    const url = `redis://papyra:${SECRET}@127.0.0.1:${port}/0`;
    const error = await openRedisStore({ url, connectTimeoutMs: 500 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
    const message = (error as Error).message;
    expect(message).toContain(`redis://papyra:***@127.0.0.1:${port}/0`);
    expect(message).not.toContain(SECRET);
  });

  it("fails the same way on a wrong password, without printing it", async () => {
    const url = `redis://:wrong-${SECRET}@127.0.0.1:${secured.port}`;
    const error = await openRedisStore({ url, connectTimeoutMs: 1000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe(ErrorCode.unavailable);
    expect((error as Error).message).toMatch(/WRONGPASS/);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it("authenticates with a password or an ACL user from the URL or the options", async () => {
    await using byUrl = await openRedisStore({
      url: `redis://papyra:${SECRET}@127.0.0.1:${secured.port}`,
      prefix: randomUUID(),
    });
    await byUrl.recordEvent(makeEvent(1));
    expect(byUrl.location).not.toContain(SECRET);
    expect(byUrl.location).toContain("papyra:***@");
    await using byOptions = await openRedisStore({
      url: `redis://127.0.0.1:${secured.port}`,
      password: SECRET,
      prefix: randomUUID(),
    });
    await byOptions.recordEvent(makeEvent(1));
    expect((await byOptions.scan()).location).not.toContain(SECRET);
  });
});

describe("a client you pass", () => {
  it("is used as it is and left open by close()", async () => {
    const client = new Redis(`redis://127.0.0.1:${secured.port}`, { password: SECRET });
    try {
      const store = await openRedisStore({ client, prefix: randomUUID() });
      expect(store.client).toBe(client);
      await store.recordEvent(makeEvent(1));
      await store.close();
      expect(client.status).toBe("ready");
      expect(await client.ping()).toBe("PONG");
    } finally {
      client.disconnect();
    }
  });
});

describe("Redis going away while writing", () => {
  it("rejects calls within the bound, counts write_errors, resumes by itself and loses nothing acknowledged", async () => {
    const server = await RedisServer.start({ persistent: true });
    try {
      const store = await openRedisStore({
        url: server.url,
        prefix: randomUUID(),
        offlineTimeoutMs: 300,
        commandTimeoutMs: 1000,
      });
      const stored: number[] = [];
      let seq = 0;
      const writeOne = () => {
        const n = ++seq;
        return store.recordEvent(makeEvent(n)).then(
          () => {
            stored.push(n);
          },
          (error: unknown) => error,
        );
      };
      for (let i = 0; i < 50; i++) await writeOne();

      // Crash the server while a burst of concurrent writes is in flight.
      const burst = Array.from({ length: 100 }, writeOne);
      await server.kill("SIGKILL");
      const outcomes = await Promise.all(burst);
      for (const outcome of outcomes) {
        if (outcome !== undefined) expect(outcome).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
      }

      // While it is down, every call rejects (the offline bound, not a hang).
      const errorsBefore = store.metrics.snapshot().write_errors;
      const down = await store.recordEvent(makeEvent(10_000)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(down).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
      expect((down as Error).message).toContain("unreachable");
      expect(store.metrics.snapshot().write_errors).toBe(errorsBefore + 1);
      await expect(store.listEvents()).rejects.toMatchObject({ code: "PAPYRA_UNAVAILABLE" });

      // Back up on the same port: writing resumes without reopening the store.
      await server.resume();
      let resumed = false;
      for (let attempt = 0; attempt < 50 && !resumed; attempt++) {
        resumed = (await writeOne()) === undefined;
        if (!resumed) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(resumed).toBe(true);
      for (let i = 0; i < 10; i++) expect(await writeOne()).toBeUndefined();

      const listed = new Set((await store.listEvents()).map((e) => e.seq));
      const missing = stored.filter((n) => !listed.has(n));
      expect(missing).toEqual([]);
      expect(store.metrics.snapshot().records_written).toBe(stored.length);
      await store.close();
    } finally {
      await server.stop();
    }
  }, 30_000);

  it("close() does not hang while Redis is down", async () => {
    const server = await RedisServer.start();
    const store = await openRedisStore({
      url: server.url,
      prefix: randomUUID(),
      offlineTimeoutMs: 200,
    });
    await store.recordEvent(makeEvent(1));
    await server.stop();
    await store.close();
    await expect(store.recordEvent(makeEvent(2))).rejects.toMatchObject({ code: ErrorCode.closed });
  });
});
