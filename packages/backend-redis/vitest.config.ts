import { defineConfig } from "vitest/config";

// PAPYRA_IOREDIS=5 runs the suite against ioredis 5 (the `ioredis5` alias dev dependency)
// instead of the default ioredis 6: the store's source and the tests import "ioredis", and
// this alias decides which major they get. CI runs both.
const ioredisMajor = process.env.PAPYRA_IOREDIS ?? "6";
if (ioredisMajor !== "5" && ioredisMajor !== "6") {
  throw new Error(`PAPYRA_IOREDIS must be 5 or 6, not ${JSON.stringify(ioredisMajor)}`);
}

export default defineConfig({
  resolve: {
    alias: ioredisMajor === "5" ? [{ find: /^ioredis(\/.*)?$/, replacement: "ioredis5$1" }] : [],
  },
  // Real redis-server processes (and a three-node cluster) start in hooks; on a busy two-core
  // CI machine that takes longer than vitest's defaults allow.
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
