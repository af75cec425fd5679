import { defineConfig } from "vitest/config";

// Real redis-server processes (and a three-node cluster) start in hooks; on a busy two-core
// CI machine that takes longer than vitest's defaults allow.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
