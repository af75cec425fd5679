import { RedisServer } from "@papyra/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedisStore } from "../src/index.js";

let volatile: RedisServer;
let durable: RedisServer;

beforeAll(async () => {
  volatile = await RedisServer.start();
  durable = await RedisServer.start({ persistent: true });
});

afterAll(async () => {
  await volatile?.stop();
  await durable?.stop();
});

describe("diagnostics()", () => {
  it("warns when the server keeps nothing on disk", async () => {
    await using store = await openRedisStore({ url: volatile.url });
    const warnings = await store.diagnostics();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("keeps nothing on disk");
    expect(warnings[0]).toContain(`127.0.0.1:${volatile.port}`);
  });

  it("is quiet for a server with an append-only file", async () => {
    await using store = await openRedisStore({ url: durable.url });
    expect(await store.diagnostics()).toEqual([]);
  });
});
