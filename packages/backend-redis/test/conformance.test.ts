import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { RedisServer } from "@papyra/test-support";
import { runConformanceSuite, runCrashGroup } from "@papyra/testkit";
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

// The built store, opened by a writer child process that is killed with SIGKILL mid-write:
// what the server acknowledged must be listed (see @papyra/testkit).
runCrashGroup(
  { describe, it, beforeEach, afterEach },
  {
    name: "redis (single server)",
    module: join(import.meta.dirname, "../dist/index.js"),
    export: "openRedisStore",
    options: () => ({ url: server.url, prefix: `crash-${randomUUID()}` }),
  },
);
