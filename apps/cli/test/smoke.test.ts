import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { RedisServer } from "@papyra/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { event, papyraProcess, tempProject, writeStore } from "./helpers.js";

// The other tests call runCli in-process; these run the built binary as an operator's shell
// does, for what only a real process shows: its exit status, its streams, and that it exits.
describe("the papyra binary (smoke)", () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.stop();
  });

  it("exits 2 on a damaged store, printing the anomaly on stdout", async () => {
    const cwd = tempProject();
    const path = writeStore(join(cwd, "papyra.ndjson"), [event(1, "ActorStarted", "a")]);
    appendFileSync(path, "{torn");
    const run = await papyraProcess(["persistence", "scan"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/TRUNCATED_LINE|torn|truncated/i);
  });

  it("exits 64 on a usage mistake, with the message on stderr and nothing on stdout", async () => {
    const run = await papyraProcess(["inspect", "events", "--bogus"], { cwd: tempProject() });
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/Unknown argument: bogus/);
    expect(run.stdout).toBe("");
  });

  it("prints one JSON document for a missing store and exits 66", async () => {
    const run = await papyraProcess(["inspect", "events", "--path", "nowhere.ndjson", "--json"], {
      cwd: tempProject(),
    });
    expect(run.code).toBe(66);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, exit_code: 66 });
  });

  it("prints help on stdout and exits 0", async () => {
    const run = await papyraProcess(["--help"], { cwd: tempProject() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("papyra persistence");
  });

  it("exits once a Redis command is done (the open connection keeps no process alive)", async () => {
    redis = await RedisServer.start();
    const run = await papyraProcess(["inspect", "events", "--allow-missing"], {
      cwd: tempProject(),
      env: { PAPYRA_BACKEND: "redis", PAPYRA_REDIS_URL: redis.url },
    });
    expect(run.code).toBe(0);
  });
});
