import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// The crash group starts its writer from the built package (a child process runs plain Node).
import { type CrashSubject, runCrashGroup } from "../dist/index.js";
import { createMiniRunner } from "./mini-runner.js";

const fixture = join(import.meta.dirname, "fixtures", "append-store.mjs");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function subject(exportName: string): CrashSubject {
  return {
    name: exportName,
    module: fixture,
    export: exportName,
    options: () => {
      const dir = mkdtempSync(join(tmpdir(), "papyra-testkit-crash-"));
      dirs.push(dir);
      return { path: join(dir, "store.ndjson") };
    },
  };
}

async function outcomes(exportName: string) {
  const { runner, run } = createMiniRunner();
  runCrashGroup(runner, subject(exportName), { stores: 2, killsPerStore: 2 });
  return run();
}

describe("runCrashGroup", () => {
  it("passes a store that writes before it acknowledges", async () => {
    const results = await outcomes("openAppendStore");
    expect(results.map((r) => [r.status, String(r.error ?? "")])).toEqual([["passed", ""]]);
  }, 180_000);

  it("fails a store that acknowledges writes it has not made yet", async () => {
    const results = await outcomes("openBufferingStore");
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe("failed");
    // Which check catches it depends on where the kill lands against the store's 64-write
    // batches: the killed writer's unflushed batch, or the reopened (also buffering) store's
    // own new write.
    expect(String(results[0]?.error)).toMatch(
      /acknowledged event \d+ is missing after (the kill|a new write)/,
    );
  }, 180_000);

  it("refuses a module given by a relative path", async () => {
    const { runner, run } = createMiniRunner();
    runCrashGroup(runner, { ...subject("openAppendStore"), module: "./fixtures/append-store.mjs" });
    const [result] = await run();
    expect(String(result?.error)).toMatch(/absolute path or a file: URL/);
  });
});
