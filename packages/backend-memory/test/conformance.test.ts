import { runConformanceSuite } from "@papyra/testkit";
import { afterEach, beforeEach, describe, it } from "vitest";
import { createMemoryBackend } from "../src/index.js";

runConformanceSuite(
  { describe, it, beforeEach, afterEach },
  {
    name: "memory",
    create: async ({ retention }) => createMemoryBackend({ retention }),
  },
);
