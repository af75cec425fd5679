import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CLI,
  event,
  papyra,
  papyraJson,
  papyraProcess,
  tempProject,
  writeStore,
} from "./helpers.js";

const version = (
  JSON.parse(readFileSync(join(CLI, "..", "..", "package.json"), "utf8")) as { version: string }
).version;

describe("usage", () => {
  it("--version prints the package version; --help lists every command", async () => {
    const cwd = tempProject();
    const [v, help, inspectHelp] = await Promise.all([
      papyra(["--version"], { cwd }),
      papyra(["--help"], { cwd }),
      papyra(["inspect", "--help"], { cwd }),
    ]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(version);
    expect(help.code).toBe(0);
    for (const command of ["doctor", "persistence", "inspect", "metrics", "backends", "demo"]) {
      expect(help.stdout).toContain(`papyra ${command}`);
    }
    expect(help.stdout).toContain("--json-path");
    expect(inspectHelp.stdout).toContain("dead-letters");
  });

  it("--version prints the package version and exits 0 without reading the store or config", async () => {
    const cwd = tempProject();
    // A broken config and an unknown backend would fail any command that needs the store.
    writeFileSync(join(cwd, "papyra.config.json"), "{ not json");
    // The binary's fast path, so it runs as a process.
    const run = await papyraProcess(["--version"], {
      cwd,
      env: { PAPYRA_BACKEND: "no-such-backend" },
    });
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("exits 64 for no command, an unknown command, an unknown flag, a missing subcommand", async () => {
    const cwd = tempProject();
    const runs = await Promise.all([
      papyra([], { cwd }),
      papyra(["frobnicate"], { cwd }),
      papyra(["inspect", "events", "--bogus"], { cwd }),
      papyra(["persistence"], { cwd }),
      papyra(["inspect", "events", "--redis-url", "redis://x"], { cwd }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([64, 64, 64, 64, 64]);
    expect(runs[2]?.stderr).toMatch(/Unknown argument: bogus/);
    for (const run of runs) expect(run.stdout).toBe("");
  });

  it("usage errors under --json still print one JSON document", async () => {
    const { code, doc } = await papyraJson(["inspect", "events", "--bogus"], {
      cwd: tempProject(),
    });
    expect(code).toBe(64);
    expect(doc).toMatchObject({ command: "inspect events", ok: false, exit_code: 64 });
  });
});

describe("colour", () => {
  it("is off in a pipe, on with FORCE_COLOR, and NO_COLOR always wins", async () => {
    const cwd = tempProject();
    writeStore(join(cwd, "papyra.ndjson"), [event(1, "ActorStarted", "a")]);
    const [pipe, forced, noColor, json] = await Promise.all([
      papyra(["inspect", "events"], { cwd }),
      papyra(["inspect", "events"], { cwd, env: { FORCE_COLOR: "1" } }),
      papyra(["inspect", "events"], { cwd, env: { FORCE_COLOR: "1", NO_COLOR: "1" } }),
      papyra(["inspect", "events", "--json"], { cwd, env: { FORCE_COLOR: "1" } }),
    ]);
    expect(pipe.stdout).toBe("[1970-01-01T00:00:01.000Z] ActorStarted sys:a\n");
    expect(forced.stdout).toContain("\u001b[36mActorStarted\u001b[39m");
    expect(noColor.stdout).toBe("[1970-01-01T00:00:01.000Z] ActorStarted sys:a\n");
    expect(json.stdout).not.toContain("\u001b[");
  });

  it("shows no progress output when not on a terminal", async () => {
    const cwd = tempProject();
    writeStore(
      join(cwd, "papyra.ndjson"),
      Array.from({ length: 2000 }, (_, i) => event(i, "ActorStarted", `a${i}`)),
    );
    const { code, stderr } = await papyra(["persistence", "scan"], { cwd });
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });
});

describe("backends", () => {
  it("lists the backends found beside the CLI with capabilities, and which one is selected", async () => {
    const cwd = tempProject();
    const [human, json] = await Promise.all([
      papyra(["backends"], { cwd }),
      papyraJson(["backends"], { cwd }),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^NAME\s+PACKAGE\s+VERSION\s+FROM\s+CAPABILITIES$/m);
    expect(human.stdout).toMatch(
      /^json\s+@papyra\/backend-json\s+\S+\s+cli\s+scan, recover, compact/m,
    );
    expect(human.stdout).toMatch(/Selected: json \(by default\)/);
    const backends = json.doc.backends as { name: string; from: string; flags: string[] }[];
    const names = backends.map((b) => b.name);
    expect(names).toEqual(expect.arrayContaining(["json", "rotating", "memory"]));
    expect(backends.find((b) => b.name === "json")).toMatchObject({
      from: "cli",
      flags: expect.arrayContaining(["--json-path"]),
    });
    expect(json.doc.selected).toMatchObject({ backend: "json", selected_by: "default" });
  });
});
