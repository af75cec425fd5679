import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformanceSuite } from "@papyra/testkit";
import { afterEach, beforeEach, describe, it } from "vitest";
import { openDirectoryStore } from "../src/index.js";

let root = "";
let dir = "";

runConformanceSuite(
  { describe, it, beforeEach, afterEach },
  {
    name: "example (directory of JSON files)",
    create: async ({ retention }) => {
      root = mkdtempSync(join(tmpdir(), "papyra-example-"));
      dir = join(root, "store");
      return openDirectoryStore({ dir, retention });
    },
    reopen: async ({ retention }) => openDirectoryStore({ dir, retention }),
    cleanup: async () => {
      if (root) rmSync(root, { recursive: true, force: true });
      root = "";
    },
  },
);
