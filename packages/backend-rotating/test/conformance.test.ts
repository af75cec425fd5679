import { mkdtempSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformanceSuite, runCrashGroup } from "@papyra/testkit";
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

// The built store, opened by a writer child process and killed with SIGKILL (see @papyra/testkit).
const crashDirs: string[] = [];
runCrashGroup(
  { describe, it, beforeEach, afterEach },
  {
    name: "rotating",
    module: join(import.meta.dirname, "../dist/index.js"),
    export: "openRotatingStore",
    options: () => {
      const crashDir = mkdtempSync(join(tmpdir(), "papyra-rot-crash-"));
      crashDirs.push(crashDir);
      return { path: join(crashDir, "store.log"), maxBytes: 4096, maxFiles: 100_000 };
    },
    cleanup: async () => {
      for (const crashDir of crashDirs.splice(0))
        await rm(crashDir, { recursive: true, force: true });
    },
  },
);
