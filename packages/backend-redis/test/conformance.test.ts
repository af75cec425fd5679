import { randomUUID } from "node:crypto";
import { RedisServer } from "@papyra/test-support";
import { runConformanceSuite } from "@papyra/testkit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from "vitest";
import { openRedisStore } from "../src/index.js";

let server: RedisServer;
let prefix = "";

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  await server?.stop();
});

runConformanceSuite(
  { describe, it, beforeEach, afterEach },
  {
    name: "redis (single server)",
    create: async ({ retention }) => {
      prefix = `conf-${randomUUID()}`;
      return openRedisStore({ url: server.url, prefix, retention });
    },
    reopen: async ({ retention }) => openRedisStore({ url: server.url, prefix, retention }),
  },
);
