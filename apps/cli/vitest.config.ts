import { defineConfig } from "vitest/config";

// Most tests run the CLI in-process (runCli); the smoke tests and a few others start real
// processes (the binary, writers holding a lock, redis-server), so tests get more time than
// the default on a busy machine. Files run in parallel.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
