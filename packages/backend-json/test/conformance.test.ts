import { join } from "node:path";
import { runConformanceSuite } from "@papyra/testkit";
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
