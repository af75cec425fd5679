import { defineConfig } from "vitest/config";

// `pnpm power-loss`: the full power-loss exploration and the mutation check (not part of
// `pnpm test`, which runs a quick sample). Bounded by counts; the timeouts only catch a hang.
export default defineConfig({
  test: {
    include: ["test/power-loss/*.run.ts"],
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
