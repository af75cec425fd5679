import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformanceSuite } from "@papyra/testkit";
import { afterEach, beforeEach, describe, it } from "vitest";
import { openRotatingStore } from "../src/index.js";

// Small segments so that the suite's own writes rotate the set many times: every listing,
// scan, recovery and compaction in the suite then runs across several segments. maxFiles is
// large enough that the suite never fills the set, whose bound (16 MB here) would otherwise
// delete the oldest records, e.g. the suite's two records of over a megabyte each.
const MAX_BYTES = 8192;
const MAX_FILES = 2000;

let dir: string | null = null;

runConformanceSuite(
  { describe, it, beforeEach, afterEach },
  {
    name: "rotating",
    create: async ({ retention }) => {
      dir = await mkdtemp(join(tmpdir(), "papyra-rot-conf-"));
      return openRotatingStore({
        path: join(dir, "store.log"),
        maxBytes: MAX_BYTES,
        maxFiles: MAX_FILES,
        retention,
      });
    },
    reopen: async ({ retention }) => {
      if (!dir) throw new Error("reopen before create");
      return openRotatingStore({
        path: join(dir, "store.log"),
        maxBytes: MAX_BYTES,
        maxFiles: MAX_FILES,
        retention,
      });
    },
    cleanup: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = null;
    },
  },
);
