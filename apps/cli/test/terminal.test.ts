import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, CLI, event, papyra, papyraJson, tempProject, writeStore } from "./helpers.js";

// A backend package written by hand, as a third party might: `behaviour` (from FAKE_BEHAVIOUR,
// passed by the CLI) chooses whether it has no optional parts at all, or scans slowly while
// reporting progress.
const fakeBackend = [
  "const sleep = (ms) => new Promise((r) => setTimeout(r, ms));",
  "export default {",
  '  contractVersion: 1, name: "fake", description: "test double",',
  '  env: { behaviour: "FAKE_BEHAVIOUR" },',
  "  optionsSchema: { safeParse: (v) => ({ success: true, data: v }) },",
  "  create: async (options) => {",
  "    const base = {",
  "      recordEvent: async () => {}, recordAudit: async () => {}, recordDeadLetter: async () => {},",
  "      listEvents: async () => [], listAudits: async () => [], listDeadLetters: async () => [],",
  "      close: async () => {},",
  "    };",
  '    if (options?.behaviour !== "slow") return base;',
  "    return { ...base, scan: async ({ onProgress, signal } = {}) => {",
  "      for (let done = 1; done <= 6; done++) {",
  "        if (signal?.aborted) throw signal.reason;",
  '        onProgress?.({ phase: "scan", done, total: 6, unit: "records" });',
  "        await sleep(150);",
  "      }",
  '      return { location: "fake", anomalies: [], records_scanned: 6, bytes_scanned: null, incremental: false, sampled: false };',
  "    } };",
  "  },",
  "};",
].join("\n");

const project = tempProject({
  "node_modules/papyra-backend-fake/package.json": JSON.stringify({
    name: "papyra-backend-fake",
    version: "1.0.0",
    type: "module",
    exports: { ".": { import: "./index.js" } },
  }),
  "node_modules/papyra-backend-fake/index.js": fakeBackend,
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as an operator at a shell would. */
function onTerminal(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: project,
      env: baseEnv({ ...env, TERM: "xterm" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("a backend without optional parts", () => {
  it("scan, recover and compact say it does not support them (64); doctor skips the scan (0)", async () => {
    const args = ["--backend", "fake"];
    const [scan, recover, compact, doctor, metrics] = await Promise.all([
      papyra(["persistence", "scan", ...args], { cwd: project }),
      papyra(["persistence", "recover", ...args], { cwd: project }),
      papyraJson(["persistence", "compact", ...args], { cwd: project }),
      papyra(["doctor", "run", ...args], { cwd: project }),
      papyra(["metrics", "persistence", ...args], { cwd: project }),
    ]);
    expect(scan.code).toBe(64);
    expect(scan.stderr).toMatch(/Backend "fake" does not support scan/);
    expect(recover.code).toBe(64);
    expect(compact.doc).toMatchObject({
      ok: false,
      exit_code: 64,
      error: { code: "PAPYRA_UNSUPPORTED" },
    });
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/Capabilities: none/);
    expect(doctor.stdout).toMatch(/Scan:\s+skipped: the backend cannot scan/);
    expect(metrics.code).toBe(0);
    expect(metrics.stdout).toContain("metrics: <unavailable>");
  });
});

describe("slow scans", () => {
  it("a startup check that runs past --timeout-ms exits 69", async () => {
    const { code, stderr } = await papyra(
      ["doctor", "run", "--backend", "fake", "--timeout-ms", "200"],
      {
        cwd: project,
        env: { FAKE_BEHAVIOUR: "slow" },
      },
    );
    expect(code).toBe(69);
    expect(stderr).toMatch(/did not finish within 200 ms/);
  });

  it("show progress on a terminal, never in a pipe or in JSON", async () => {
    const env = { FAKE_BEHAVIOUR: "slow" };
    const [tty, ttyJson, pipe] = await Promise.all([
      onTerminal(["persistence", "scan", "--backend", "fake"], env),
      onTerminal(["persistence", "scan", "--backend", "fake", "--json"], env),
      papyra(["persistence", "scan", "--backend", "fake"], { cwd: project, env }),
    ]);
    expect(tty.code).toBe(0);
    expect(tty.output).toMatch(/scan: \d+% · \d of 6 records/);
    // From the second update on, the rate and the time left (the fake scans 6 records slowly).
    expect(tty.output).toMatch(/scan: \d+% · \d of 6 records · \d+\/s · about \d+s left/);
    expect(tty.output).toMatch(/Scan:\s+.*clean/);
    expect(ttyJson.output).not.toMatch(/scan: \d+%/);
    expect(JSON.parse(ttyJson.output)).toMatchObject({ ok: true });
    expect(pipe.stderr).toBe("");
    expect(pipe.stdout).not.toMatch(/scan: \d+%/);
  });
});

describe("progress of a compaction on a terminal", () => {
  it("shows the check pass (under 50%) before the rewrite, in human sizes; NO_COLOR draws it without escape sequences", async () => {
    const dir = tempProject();
    const path = join(dir, "papyra.ndjson");
    const records = Array.from({ length: 60_000 }, (_, i) =>
      event(i + 1, "ActorStarted", `actor-${i}-${"x".repeat(120)}`),
    );
    writeStore(path, records);
    const args = ["persistence", "compact", "--path", path, "--json-retention-max-records", "10"];
    const run = await onTerminal(args);
    expect(run.code).toBe(0);
    const percents = [...run.output.matchAll(/compact: (\d+)% · [\d.]+ MiB of [\d.]+ MiB/g)].map(
      (m) => Number(m[1]),
    );
    expect(percents.length).toBeGreaterThan(0);
    expect(Math.min(...percents)).toBeLessThan(50);
    expect(run.output).toMatch(/Records:.*60000 -> 10 /);

    writeStore(path, records);
    const plain = await onTerminal(args, { NO_COLOR: "1" });
    expect(plain.code).toBe(0);
    expect(plain.output).toMatch(/compact: \d+% · /);
    expect(plain.output).not.toContain("\u001b[");
  });
});

describe("colour on a terminal", () => {
  it("is on by default and off with NO_COLOR", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), [event(1, "ActorStarted", "a")]);
    const path = join(dir, "papyra.ndjson");
    const [colour, plain] = await Promise.all([
      onTerminal(["inspect", "events", "--path", path]),
      onTerminal(["inspect", "events", "--path", path], { NO_COLOR: "1" }),
    ]);
    expect(colour.output).toContain("\u001b[36mActorStarted\u001b[39m");
    expect(plain.output.replace(/\r/g, "")).toBe("[1970-01-01T00:00:01.000Z] ActorStarted sys:a\n");
  });
});
