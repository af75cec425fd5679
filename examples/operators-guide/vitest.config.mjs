import { defineConfig } from "vitest/config";

// The tests run real `papyra` processes and start Prometheus exporters: on a busy two-core
// machine that takes longer than vitest's defaults allow.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 60_000 } });
