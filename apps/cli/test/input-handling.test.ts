import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deadLetter, event, papyra, papyraJson, tempProject, writeStore } from "./helpers.js";

function project(): string {
  const dir = tempProject();
  writeStore(join(dir, "papyra.ndjson"), [
    event(1, "ActorStarted", "a"),
    event(2, "ActorStarted", "b"),
    event(3, "ActorStopped", "a"),
    deadLetter(4, "Ping", "sys:a"),
    deadLetter(5, "Orphan", null),
  ]);
  return dir;
}

describe("a flag given twice takes its last value", () => {
  it("--limit, --since, --timeout-ms, --quarantine-dir, --format and --json given twice never crash (no exit 70)", async () => {
    const dir = project();
    const limit = await papyraJson(["inspect", "events", "--limit", "1", "--limit", "2"], {
      cwd: dir,
    });
    expect(limit.code).toBe(0);
    expect(limit.doc.count).toBe(2);
    const since = await papyraJson(["inspect", "events", "--since", "0", "--since", "2"], {
      cwd: dir,
    });
    expect(since.code).toBe(0);
    expect(since.doc.count).toBe(2);
    const runs = await Promise.all(
      [
        ["doctor", "run", "--timeout-ms", "1", "--timeout-ms", "60000"],
        [
          "persistence",
          "recover",
          "--mode",
          "quarantine",
          "--quarantine-dir",
          "x",
          "--quarantine-dir",
          "q",
          "--dry-run",
        ],
        ["metrics", "persistence", "--format", "prometheus", "--format", "human"],
        ["inspect", "summary", "--json", "--json"],
        ["persistence", "scan", "--path", "nowhere.ndjson", "--path", "papyra.ndjson"],
      ].map((args) => papyra(args, { cwd: dir })),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect(runs[2]?.stdout).toContain("records_written:");
  });

  it("flags that take a list keep every value", async () => {
    const dir = project();
    const both = await papyraJson(
      ["inspect", "events", "--target", "sys:a", "--target", "b", "--event-type", "ActorStarted"],
      { cwd: dir },
    );
    expect(both.code).toBe(0);
    expect(both.doc.count).toBe(2);
  });
});

describe("--target -", () => {
  it("matches dead letters without a target, written with a space or with =", async () => {
    const dir = project();
    const spaced = await papyraJson(["inspect", "dead-letters", "--target", "-"], { cwd: dir });
    const joined = await papyraJson(["inspect", "dead-letters", "--target=-"], { cwd: dir });
    expect(spaced.code).toBe(0);
    expect(spaced.doc.count).toBe(1);
    expect(spaced.doc.dead_letters).toEqual(joined.doc.dead_letters);
    expect((spaced.doc.dead_letters as { message_type: string }[])[0]?.message_type).toBe("Orphan");
  });
});

describe("-v", () => {
  it("prints the version, like --version", async () => {
    const [short, long] = await Promise.all([
      papyra(["-v"], { cwd: tempProject() }),
      papyra(["--version"], { cwd: tempProject() }),
    ]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
    expect(short.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
