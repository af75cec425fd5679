import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, papyra, papyraJson, snapshotDir, tempProject } from "./helpers.js";

/** Runs every command, a few processes at a time (the machine may be small and busy). */
async function runAll(commands: string[][], extra: string[], cwd: string): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (let i = 0; i < commands.length; i += 5) {
    const batch = commands.slice(i, i + 5);
    results.push(...(await Promise.all(batch.map((c) => papyra([...c, ...extra], { cwd })))));
  }
  return results;
}

/** Every command that opens a store. */
const STORE_COMMANDS = [
  ["doctor", "run"],
  ["doctor", "run", "--mode", "recover"],
  ["persistence", "scan"],
  ["persistence", "recover"],
  ["persistence", "recover", "--dry-run"],
  ["persistence", "startup-check"],
  ["persistence", "compact"],
  ["persistence", "inspect"],
  ["inspect", "events"],
  ["inspect", "audits"],
  ["inspect", "dead-letters"],
  ["inspect", "summary"],
  ["metrics", "persistence"],
  ["metrics", "reset"],
];

describe("a location without a store is never healthy (exit 66)", () => {
  for (const [label, where] of [
    ["a mistyped file name", "typo.ndjson"],
    ["a mistyped directory", "typo-dir/papyra.ndjson"],
  ] as const) {
    it(`every store command on ${label}: PAPYRA_NOT_FOUND naming the path, nothing created`, async () => {
      const dir = tempProject();
      const before = snapshotDir(dir);
      const runs = await runAll(STORE_COMMANDS, ["--path", where], dir);
      for (const [i, run] of runs.entries()) {
        expect([STORE_COMMANDS[i]?.join(" "), run.code]).toEqual([
          STORE_COMMANDS[i]?.join(" "),
          66,
        ]);
        expect(run.stderr).toContain(join(dir, where));
        expect(run.stdout).toBe("");
      }
      expect(snapshotDir(dir)).toEqual(before);
      const { doc } = await papyraJson(["doctor", "run", "--path", where], { cwd: dir });
      expect(doc).toMatchObject({
        command: "doctor run",
        ok: false,
        exit_code: 66,
        error: { code: "PAPYRA_NOT_FOUND" },
      });
      expect(snapshotDir(dir)).toEqual(before);
    });
  }

  it("the default store ./papyra.ndjson missing is not healthy either", async () => {
    const dir = tempProject();
    const { code, stdout, stderr } = await papyra(["doctor", "run", "--mode", "fail_on_anomaly"], {
      cwd: dir,
    });
    expect(code).toBe(66);
    expect(stdout).not.toMatch(/healthy/);
    expect(stderr).toContain(join(dir, "papyra.ndjson"));
  });

  it("a rotating store without an active file or any segment is missing; one rotated segment is a store", async () => {
    const cwd = tempProject({
      "papyra.config.json": JSON.stringify({
        backend: "rotating",
        options: { path: "logs/app.log" },
      }),
    });
    mkdirSync(join(cwd, "logs"));
    const before = snapshotDir(cwd);
    const [scan, startup] = await Promise.all([
      papyra(["persistence", "scan"], { cwd }),
      papyra(["persistence", "startup-check"], { cwd }),
    ]);
    expect([scan.code, startup.code]).toEqual([66, 66]);
    expect(snapshotDir(cwd)).toEqual(before);
    // Only a rotated segment left (the active one not created yet): that is a store.
    const withSegment = tempProject({
      "papyra.config.json": JSON.stringify({ backend: "rotating", options: { path: "app.log" } }),
      "app.log.1":
        '{"kind":"event","system_id":"s","actor_address":"s:a","event_type":"X","payload":{},"timestamp":1}\n',
    });
    const found = await papyra(["persistence", "scan"], { cwd: withSegment });
    expect(found.code).toBe(0);
  });
});

describe("--allow-missing: no store yet is a clean exit 0 (a first deploy)", () => {
  it("every store command exits 0 saying so, creates nothing, and --json says missing", async () => {
    const dir = tempProject();
    const before = snapshotDir(dir);
    const runs = await runAll(
      STORE_COMMANDS,
      ["--path", "typo-dir/x.ndjson", "--allow-missing"],
      dir,
    );
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`No store yet at ${join(dir, "typo-dir/x.ndjson")}.\n`);
    }
    expect(snapshotDir(dir)).toEqual(before);
    const { code, doc } = await papyraJson(
      ["persistence", "startup-check", "--allow-missing", "--path", "x.ndjson"],
      { cwd: dir },
    );
    expect(code).toBe(0);
    expect(doc).toMatchObject({
      command: "persistence startup-check",
      ok: true,
      exit_code: 0,
      missing: true,
      location: join(dir, "x.ndjson"),
      message: `no store yet at ${join(dir, "x.ndjson")}`,
    });
    expect(snapshotDir(dir)).toEqual(before);
  });

  it("changes nothing for a store that exists", async () => {
    const dir = tempProject({ "papyra.ndjson": "garbage\n" });
    const { code } = await papyra(["persistence", "scan", "--allow-missing"], { cwd: dir });
    expect(code).toBe(2);
  });
});
