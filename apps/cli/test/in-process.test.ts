import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { event, papyra, papyraJson, tempProject, writeStore } from "./helpers.js";

// Most tests run the CLI through its exported runCli, many times in one process: each run must
// see only what it is given (argv, cwd, env, streams), never what an earlier run left behind.
describe("runCli in one process", () => {
  it("reads a config module again after it is edited between two runs", async () => {
    const dir = tempProject();
    writeStore(join(dir, "a.ndjson"), [event(1, "FromA", "a")]);
    writeStore(join(dir, "b.ndjson"), [event(1, "FromB", "b"), event(2, "FromB", "b")]);
    const config = join(dir, "papyra.config.mjs");
    writeFileSync(config, 'export default { backend: "json", path: "a.ndjson" };');
    const first = await papyraJson(["inspect", "events"], { cwd: dir });
    writeFileSync(config, 'export default { backend: "json", path: "b.ndjson" };  ');
    const second = await papyraJson(["inspect", "events"], { cwd: dir });
    expect((first.doc.events as unknown[]).length).toBe(1);
    expect((second.doc.events as unknown[]).length).toBe(2);
  });

  it("takes the environment from the run only: a variable one run had is gone in the next", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), [event(1, "Default", "a")]);
    writeStore(join(dir, "env.ndjson"), [event(1, "FromEnv", "a"), event(2, "FromEnv", "a")]);
    const withEnv = await papyraJson(["inspect", "events"], {
      cwd: dir,
      env: { PAPYRA_PATH: "env.ndjson" },
    });
    const without = await papyraJson(["inspect", "events"], { cwd: dir });
    expect((withEnv.doc.events as unknown[]).length).toBe(2);
    expect((without.doc.events as unknown[]).length).toBe(1);
    expect(process.env.PAPYRA_PATH).toBeUndefined();
  });

  it("writes help and version to the run's stdout, never to this process's console", async () => {
    const log = vi.spyOn(console, "log");
    const error = vi.spyOn(console, "error");
    try {
      const cwd = tempProject();
      const [help, version] = await Promise.all([
        papyra(["--help"], { cwd }),
        papyra(["--version"], { cwd }),
      ]);
      expect(help.stdout).toContain("papyra persistence");
      expect(version.stdout).toMatch(/^\S+\n$/);
      expect(log).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
