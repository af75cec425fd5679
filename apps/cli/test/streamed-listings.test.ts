import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, CLI, deadLetter, event, papyra, tempProject, writeStore } from "./helpers.js";

const RECORDS = [
  event(1_764_508_484.123, "ActorStarted", "a"),
  event(1_764_508_485, "ActorCrashed", "b"),
  deadLetter(1_764_508_486, "Ping", "sys:a"),
  event(1_764_508_487, "ActorStopped", "a"),
];

describe("listings that stream", () => {
  it("--output ndjson prints one record per line; --json is still one document that parses whole", async () => {
    const cwd = tempProject();
    const path = writeStore(join(cwd, "a.ndjson"), RECORDS);
    const ndjson = await papyra(["inspect", "events", "--path", path, "--output", "ndjson"], {
      cwd,
    });
    expect(ndjson.code).toBe(0);
    const lines = ndjson.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((e) => e.event_type)).toEqual([
      "ActorStarted",
      "ActorCrashed",
      "ActorStopped",
    ]);
    const limited = await papyra(
      ["inspect", "events", "--path", path, "--output", "ndjson", "--limit", "1", "--target", "a"],
      { cwd },
    );
    expect(
      limited.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).event_type),
    ).toEqual(["ActorStopped"]);
    const doc = await papyra(
      ["inspect", "events", "--path", path, "--json", "--event-type", "ActorCrashed"],
      { cwd },
    );
    expect(JSON.parse(doc.stdout)).toMatchObject({
      command: "inspect events",
      ok: true,
      exit_code: 0,
      count: 1,
      events: [{ event_type: "ActorCrashed", timestamp: 1_764_508_485 }],
    });
    const none = await papyra(
      ["inspect", "dead-letters", "--path", path, "--json", "--message-type", "Nope"],
      { cwd },
    );
    expect(JSON.parse(none.stdout)).toMatchObject({ count: 0, dead_letters: [], ok: true });
  });

  it("prints ISO 8601 UTC timestamps by default; --time local and --time epoch; JSON keeps epoch seconds", async () => {
    const cwd = tempProject();
    const path = writeStore(join(cwd, "a.ndjson"), RECORDS);
    const utc = await papyra(["inspect", "events", "--path", path, "--limit", "1", "--reverse"], {
      cwd,
    });
    expect(utc.stdout).toBe("[2025-11-30T13:14:47.000Z] ActorStopped sys:a\n");
    const first = await papyra(["inspect", "events", "--path", path], { cwd });
    expect(first.stdout.split("\n")[0]).toBe("[2025-11-30T13:14:44.123Z] ActorStarted sys:a");
    const epoch = await papyra(["inspect", "dead-letters", "--path", path, "--time", "epoch"], {
      cwd,
    });
    expect(epoch.stdout).toBe("[1764508486.000] Ping -> sys:a\n");
    const local = await papyra(["inspect", "dead-letters", "--path", path, "--time", "local"], {
      cwd,
      env: { TZ: "Asia/Kolkata" },
    });
    expect(local.stdout).toBe("[2025-11-30T18:44:46.000+05:30] Ping -> sys:a\n");
    const bad = await papyra(["inspect", "events", "--path", path, "--time", "mars"], { cwd });
    expect(bad.code).toBe(64);
  });

  it("starts printing before the listing is read whole, and a reader that goes away (| head) ends it cleanly", async () => {
    const cwd = tempProject();
    const many = Array.from({ length: 20_000 }, (_, i) =>
      event(1_000 + i, "ActorStarted", `n${i}`),
    );
    const path = writeStore(join(cwd, "big.ndjson"), many);
    const child = spawn(
      process.execPath,
      [CLI, "inspect", "events", "--path", path, "--output", "ndjson"],
      {
        cwd,
        env: baseEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    // Read the first line, then close the pipe, as `| head -1` does.
    const first = await new Promise<string>((resolve) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        out += c;
        if (out.includes("\n")) {
          child.stdout.destroy();
          resolve(out.split("\n")[0] as string);
        }
      });
    });
    expect(JSON.parse(first)).toMatchObject({ timestamp: 1_000 });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(stderr).toBe("");
  }, 60_000);
});
