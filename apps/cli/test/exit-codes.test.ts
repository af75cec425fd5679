import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { event, ndjson, papyra, startWriter, tempProject, writeStore } from "./helpers.js";

function fakePackage(name: string, body: string): Record<string, string> {
  return {
    [`node_modules/papyra-backend-${name}/package.json`]: JSON.stringify({
      name: `papyra-backend-${name}`,
      version: "1.0.0",
      type: "module",
      exports: "./index.js",
    }),
    [`node_modules/papyra-backend-${name}/index.js`]: body,
  };
}

const definition = (name: string, create: string) =>
  `export const backend = { contractVersion: 1, name: "${name}", description: "test double", optionsSchema: { safeParse: (v) => ({ success: true, data: v }) }, create: ${create} };`;

// `crash` fails with a plain Error (a bug, not a Papyra error); `damaged` always has an
// anomaly that its recovery cannot remove.
const project = tempProject({
  "a-directory/keep.txt": "",
  ...fakePackage("crash", definition("crash", 'async () => { throw new Error("kaput"); }')),
  ...fakePackage(
    "damaged",
    definition(
      "damaged",
      `async () => {
        const scan = async () => ({ location: "damaged", anomalies: [{ type: "UNEXPECTED_FILE", path: "x", detail: "stays" }], records_scanned: 0, bytes_scanned: null, incremental: false, sampled: false });
        return {
          recordEvent: async () => {}, recordAudit: async () => {}, recordDeadLetter: async () => {},
          listEvents: async () => [], listAudits: async () => [], listDeadLetters: async () => [],
          close: async () => {}, scan,
          recover: async ({ mode }) => { const s = await scan(); return { mode, scan_before: s, repaired_files: [], quarantined_files: [], dropped_damaged: 0, dropped_by_retention: 0, scan_after: s }; },
        };
      }`,
    ),
  ),
});

const STORE_COMMANDS = [
  ["doctor", "run"],
  ["persistence", "scan"],
  ["persistence", "recover"],
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

describe("the exit codes every command that opens a store can give", () => {
  for (const command of STORE_COMMANDS) {
    it(`${command.join(" ")}: 64 unknown flag, 66 no store, 69 unavailable, 70 internal, 78 not installed`, async () => {
      const runs = await Promise.all([
        papyra([...command, "--no-such-flag"], { cwd: project }),
        papyra([...command, "--path", "missing-dir/papyra.ndjson"], { cwd: project }),
        papyra([...command, "--path", "a-directory"], { cwd: project }),
        papyra([...command, "--backend", "crash"], { cwd: project }),
        papyra([...command, "--backend", "nosuch"], { cwd: project }),
      ]);
      expect(runs.map((r) => r.code)).toEqual([64, 66, 69, 70, 78]);
      expect(runs[1]?.stderr).toContain(join(project, "missing-dir/papyra.ndjson"));
      expect(runs[2]?.stderr).toContain("not a regular file");
      expect(runs[3]?.stderr).toContain("kaput");
      expect(runs[4]?.stderr).toContain("npm install @papyra/backend-nosuch");
      for (const run of runs) expect(run.stdout).toBe("");
    });
  }

  it("backends and demo: 64 on an unknown flag; demo into a missing directory is 69", async () => {
    const runs = await Promise.all([
      papyra(["backends", "--no-such-flag"], { cwd: project }),
      papyra(["demo", "--no-such-flag"], { cwd: project }),
      papyra(["demo", "--path", "missing-dir/demo.ndjson"], { cwd: project }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([64, 64, 69]);
  });
});

describe("persistence startup-check in recover mode", () => {
  it("exits 2 when anomalies remain after recovery", async () => {
    const { code, stderr } = await papyra(
      ["persistence", "startup-check", "--mode", "recover", "--backend", "damaged"],
      {
        cwd: project,
      },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/recovery \(repair\) left 1 anomaly/);
  });

  it("exits 75 when a running writer holds the lock", async () => {
    const dir = tempProject();
    const path = writeStore(
      join(dir, "papyra.ndjson"),
      [],
      `${ndjson([event(1, "A", "a")])}garbage\n`,
    );
    const writer = await startWriter(path);
    const { code } = await papyra(["persistence", "startup-check", "--mode", "recover"], {
      cwd: dir,
    });
    expect(code).toBe(75);
    writer.kill("SIGKILL");
  });
});
