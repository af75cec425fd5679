import { defineConfig } from "vitest/config";

// Every test spawns the built CLI (a fresh Node process each time), so tests get more time
// than the default on a busy machine; files run in parallel.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
