import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformanceSuite, runCrashGroup } from "@papyra/testkit";
import { afterEach, beforeEach, describe, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { makeTempDir, removeDir } from "./helpers.js";

let dir: string | null = null;

runConformanceSuite(
  { describe, it, beforeEach, afterEach },
  {
    name: "@papyra/backend-json",
    create: async ({ retention }) => {
      dir = await makeTempDir();
      return openJsonStore({ path: join(dir, "store.ndjson"), retention });
    },
    reopen: async ({ retention }) =>
      openJsonStore({ path: join(dir as string, "store.ndjson"), retention }),
    cleanup: async () => {
      if (dir) await removeDir(dir);
      dir = null;
    },
  },
);

// The built store, opened by a writer child process and killed with SIGKILL (see @papyra/testkit).
const crashDirs: string[] = [];
runCrashGroup(
  { describe, it, beforeEach, afterEach },
  {
    name: "@papyra/backend-json",
    module: join(import.meta.dirname, "../dist/index.js"),
    export: "openJsonStore",
    options: () => {
      const crashDir = mkdtempSync(join(tmpdir(), "papyra-json-crash-"));
      crashDirs.push(crashDir);
      return { path: join(crashDir, "store.ndjson") };
    },
    cleanup: async () => {
      for (const crashDir of crashDirs.splice(0)) await removeDir(crashDir);
    },
  },
);
