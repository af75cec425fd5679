import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Property tests and the lock race spawn work that a busy 2-core machine runs slowly: the
    // tests are bounded by counts, and a generous timeout only catches a hang.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
