import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  audit,
  copyFixture,
  deadLetter,
  event,
  papyra,
  papyraJson,
  tempProject,
  writeStore,
} from "./helpers.js";

const project = tempProject();
copyFixture("python-store.ndjson", join(project, "papyra.ndjson"));
const cwd = project;

describe("inspect events", () => {
  it("prints [timestamp] event_type address for a store written by the Python implementation", async () => {
    const { code, stdout, stderr } = await papyra(["inspect", "events", "--limit", "3"], { cwd });
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toBe(
      [
        "[2025-11-22T00:00:13.500Z] ActorCrashed local:2",
        "[2025-11-22T00:00:15.000Z] ActorRestarted local:3",
        "[2025-11-22T00:00:16.500Z] ActorStopped local:4",
        "",
      ].join("\n"),
    );
  });

  it("applies --event-type and --target before --limit, and --reverse is newest first", async () => {
    const { code, stdout } = await papyra(
      [
        "inspect",
        "events",
        "--event-type",
        "ActorCrashed",
        "--target",
        "local:2",
        "--limit",
        "2",
        "--reverse",
      ],
      { cwd },
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      "[2025-11-22T00:00:13.500Z] ActorCrashed local:2\n[2025-11-22T00:00:07.500Z] ActorCrashed local:2\n",
    );
    const byId = await papyra(["inspect", "events", "--target", "4", "--limit", "1"], { cwd });
    expect(byId.stdout).toBe("[2025-11-22T00:00:16.500Z] ActorStopped local:4\n");
  });

  it("accepts epoch seconds and ISO-8601 for --since/--until", async () => {
    const epoch = await papyra(
      ["inspect", "events", "--since", "1763769612", "--until", "1763769613.5"],
      { cwd },
    );
    expect(epoch.stdout).toBe(
      "[2025-11-22T00:00:12.000Z] ActorStarted local:1\n[2025-11-22T00:00:13.500Z] ActorCrashed local:2\n",
    );
    // 1763769612 is 2025-11-22T00:00:12Z
    const iso = await papyra(
      ["inspect", "events", "--since", "2025-11-22T00:00:12Z", "--until", "2025-11-22T00:00:13.5Z"],
      { cwd },
    );
    expect(iso.stdout).toBe(epoch.stdout);
  });

  it("accepts durations for --since (15m, 2h, 7d)", async () => {
    const dir = tempProject();
    const now = Date.now() / 1000;
    writeStore(join(dir, "papyra.ndjson"), [
      event(now - 3 * 86400, "Old", "a"),
      event(now - 3 * 3600, "Hours", "a"),
      event(now - 600, "Minutes", "a"),
    ]);
    const types = async (since: string) =>
      (await papyraJson(["inspect", "events", "--since", since], { cwd: dir })).doc.events as {
        event_type: string;
      }[];
    expect((await types("15m")).map((e) => e.event_type)).toEqual(["Minutes"]);
    expect((await types("4h")).map((e) => e.event_type)).toEqual(["Hours", "Minutes"]);
    expect((await types("7d")).map((e) => e.event_type)).toEqual(["Old", "Hours", "Minutes"]);
  });

  it("--json prints one document with the events as stored", async () => {
    const { code, doc } = await papyraJson(["inspect", "events", "--limit", "1"], { cwd });
    expect(code).toBe(0);
    expect(doc).toMatchObject({
      command: "inspect events",
      ok: true,
      exit_code: 0,
      store: { backend: "json", package: "@papyra/backend-json", selected_by: "default" },
      count: 1,
      events: [
        {
          system_id: "local",
          actor_address: { system: "local", actor_id: 4 },
          event_type: "ActorStopped",
          payload: { reason: "r11", note: expect.any(String) },
          timestamp: 1763769616.5,
        },
      ],
    });
  });

  it("rejects bad values with exit 64: --limit, --since, since after until", async () => {
    for (const args of [
      ["--limit", "-1"],
      ["--limit", "2.5"],
      ["--since", "yesterday"],
      ["--since", "1763769616", "--until", "1763769600"],
    ]) {
      const { code, stderr } = await papyra(["inspect", "events", ...args], { cwd });
      expect(code, args.join(" ")).toBe(64);
      expect(stderr).toMatch(/--limit|--since/);
    }
  });
});

describe("inspect audits, dead-letters, summary", () => {
  it("lists audits and dead letters", async () => {
    const audits = await papyra(["inspect", "audits", "--reverse", "--limit", "1"], { cwd });
    expect(audits.code).toBe(0);
    expect(audits.stdout).toBe(
      "[2025-11-22T00:00:16.750Z] local total=4 alive=3 stopping=1 restarting=0 registry=2 orphans=1 dead=0 dead_letters=2\n",
    );
    const letters = await papyra(["inspect", "dead-letters"], { cwd });
    expect(letters.code).toBe(0);
    expect(letters.stdout).toBe(
      "[2025-11-22T00:00:06.500Z] str -> local:9\n[2025-11-22T00:00:14.000Z] str -> local:9\n",
    );
  });

  it("summary shows the latest audit, aligned, and in JSON", async () => {
    const human = await papyra(["inspect", "summary"], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Latest audit:     [2025-11-22T00:00:16.750Z] local\n");
    expect(human.stdout).toContain("Audits recorded:  3\n");
    expect(human.stdout).toContain("Registry orphans: 1 (ghost)\n");
    expect(human.stdout).toContain("Dead letters:     2\n");
    const { doc } = await papyraJson(["inspect", "summary"], { cwd });
    expect(doc.summary).toMatchObject({ audits: 3, total_actors: 4, dead_letters_count: 2 });
  });

  it("dead-letters filter by --message-type and --target before --limit", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), [
      deadLetter(1, "Ping", "sys:a"),
      deadLetter(2, "Pong", "sys:b"),
      deadLetter(3, "Ping", null),
      deadLetter(4, "Pong", "sys:a"),
      audit(5, 3, 4),
    ]);
    const { stdout } = await papyra(
      ["inspect", "dead-letters", "--target", "sys:a", "--limit", "1"],
      { cwd: dir },
    );
    expect(stdout).toBe("[1970-01-01T00:00:04.000Z] Pong -> sys:a\n");
    const ping = await papyra(["inspect", "dead-letters", "--message-type", "Ping"], { cwd: dir });
    expect(ping.stdout).toBe(
      "[1970-01-01T00:00:01.000Z] Ping -> sys:a\n[1970-01-01T00:00:03.000Z] Ping -> -\n",
    );
  });

  it("empty results print the exact empty messages, and empty JSON lists", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), []);
    const expected: Record<string, string> = {
      events: "No events recorded.\n",
      audits: "No audit reports recorded.\n",
      "dead-letters": "No dead letters recorded.\n",
      summary: "No audit data available.\n",
    };
    for (const [command, text] of Object.entries(expected)) {
      const { code, stdout } = await papyra(["inspect", command], { cwd: dir });
      expect(code, command).toBe(0);
      expect(stdout, command).toBe(text);
    }
    const { doc } = await papyraJson(["inspect", "summary"], { cwd: dir });
    expect(doc).toMatchObject({ ok: true, summary: null });
  });
});
