import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PersistenceBackend } from "@papyra/core";
import { beforeAll, describe, expect, it } from "vitest";
import { audit, event, papyra, papyraJson, tempProject } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const example = join(repo, "examples/backend-example");

// A third-party backend, built and packed, installed into a temporary project the way a
// package manager would: the package in node_modules, its peers (@papyra/core, zod) beside it.
function installExample(project: string, tarball: string): void {
  const target = join(project, "node_modules", "papyra-backend-example");
  mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  mkdirSync(join(project, "node_modules", "@papyra"), { recursive: true });
  symlinkSync(join(repo, "packages/core"), join(project, "node_modules/@papyra/core"), "dir");
  symlinkSync(join(repo, "apps/cli/node_modules/zod"), join(project, "node_modules/zod"), "dir");
}

let project = "";
let storeDir = "";

beforeAll(() => {
  execFileSync(process.execPath, [
    join(repo, "node_modules/typescript/bin/tsc"),
    "-b",
    join(example, "tsconfig.build.json"),
  ]);
  const packDir = mkdtempSync(join(tmpdir(), "papyra-pack-"));
  try {
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", packDir], {
      cwd: example,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const tarball = join(packDir, out.trim().split("\n").pop() as string);
    project = tempProject();
    installExample(project, tarball);
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
  storeDir = join(project, "store");
});

async function fillStore(dir: string): Promise<void> {
  const entry = join(project, "node_modules/papyra-backend-example/dist/index.js");
  const mod = (await import(pathToFileURL(entry).href)) as {
    openDirectoryStore(options: { dir: string }): Promise<PersistenceBackend>;
  };
  const store = await mod.openDirectoryStore({ dir });
  for (const r of [event(1, "ActorStarted", "a"), event(2, "ActorCrashed", "a"), audit(3, 1, 0)]) {
    if (r.kind === "event") await store.recordEvent(r.record);
    else if (r.kind === "audit") await store.recordAudit(r.record);
  }
  await store.close();
}

describe("a third-party backend installed in the user's project", () => {
  it("is found by `papyra backends` from the project, with its flags and capabilities", async () => {
    const { code, doc } = await papyraJson(["backends"], { cwd: project });
    expect(code).toBe(0);
    const found = (doc.backends as Record<string, unknown>[]).find((b) => b.name === "example");
    expect(found).toMatchObject({
      package: "papyra-backend-example",
      from: "project",
      flags: [
        "--example-dir",
        "--example-retention-max-records",
        "--example-retention-max-age-seconds",
        "--example-retention-max-total-bytes",
      ],
      env: { dir: "PAPYRA_EXAMPLE_DIR" },
      capabilities: {
        scan: true,
        recover: true,
        compact: true,
        metrics: true,
        storedMetrics: false,
      },
    });
  });

  it("is driven by --backend example with its own flags, by environment, and by config", async () => {
    await fillStore(storeDir);
    const sub = join(project, "sub");
    mkdirSync(sub, { recursive: true });
    writeFileSync(
      join(sub, "papyra.config.json"),
      JSON.stringify({ backend: "papyra-backend-example", options: { dir: "../store" } }),
    );
    const expected =
      "[1970-01-01T00:00:01.000Z] ActorStarted sys:a\n[1970-01-01T00:00:02.000Z] ActorCrashed sys:a\n";
    const [flags, env, config, summary] = await Promise.all([
      papyra(["inspect", "events", "--backend", "example", "--example-dir", "store"], {
        cwd: project,
      }),
      papyra(["inspect", "events"], {
        cwd: project,
        env: { PAPYRA_BACKEND: "example", PAPYRA_EXAMPLE_DIR: "store" },
      }),
      papyra(["inspect", "events"], { cwd: sub }),
      papyra(["inspect", "summary", "--backend", "example", "--example-dir", "store"], {
        cwd: project,
      }),
    ]);
    expect(flags.stdout).toBe(expected);
    expect(env.stdout).toBe(expected);
    expect(config.stdout).toBe(expected);
    expect(summary.stdout).toMatch(/Total actors:\s+1/);
    for (const run of [flags, env, config, summary]) expect(run.code).toBe(0);
  });

  it("scan finds damage (2); doctor recover leaves a foreign file, so exit 2; metrics are unavailable (0)", async () => {
    const dir = join(project, "damaged");
    await fillStore(dir);
    writeFileSync(join(dir, "000000000099.json"), "{torn");
    writeFileSync(join(dir, "notes.txt"), "not a record");
    const args = ["--backend", "example", "--example-dir", "damaged"];
    const scan = await papyraJson(["persistence", "scan", ...args], { cwd: project });
    expect(scan.code).toBe(2);
    expect(
      (scan.doc.scan as { anomalies: { type: string }[] }).anomalies.map((a) => a.type),
    ).toEqual(["CORRUPTED_LINE", "UNEXPECTED_FILE"]);
    const doctor = await papyraJson(["doctor", "run", "--mode", "recover", ...args], {
      cwd: project,
    });
    expect(doctor.code).toBe(2);
    expect(doctor.doc).toMatchObject({
      failure: { reason: "still_damaged" },
      check: { remaining_anomalies: 1 },
    });
    expect(readdirSync(dir)).not.toContain("000000000099.json");
    const metrics = await papyra(["metrics", "persistence", ...args], { cwd: project });
    expect(metrics.code).toBe(0);
    expect(metrics.stdout).toContain("metrics: <unavailable>");
  });

  it("missing options are named with their flag and variable (78); a missing store directory is no store (66), by the backend's error code", async () => {
    const [missing, noStore] = await Promise.all([
      papyra(["inspect", "events", "--backend", "example"], { cwd: project }),
      papyra(["inspect", "events", "--backend", "example", "--example-dir", "nope"], {
        cwd: project,
      }),
    ]);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toMatch(/- dir \(--example-dir, \$PAPYRA_EXAMPLE_DIR\):/);
    expect(noStore.code).toBe(66);
    expect(noStore.stderr).toContain("No example store at");
    const allowed = await papyra(
      ["inspect", "events", "--backend", "example", "--example-dir", "nope", "--allow-missing"],
      { cwd: project },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("No store yet at");
  });
});

describe("badly behaved backend packages", () => {
  it("an unexpected error inside a backend is an internal error (70); a package without a definition is 78", async () => {
    const dir = tempProject({
      "node_modules/papyra-backend-broken/package.json": JSON.stringify({
        name: "papyra-backend-broken",
        version: "0.1.0",
        type: "module",
        exports: "./index.js",
      }),
      "node_modules/papyra-backend-broken/index.js": [
        "export const backend = {",
        '  contractVersion: 1, name: "broken", description: "throws",',
        "  optionsSchema: { safeParse: (v) => ({ success: true, data: v }) },",
        "  create: async () => ({",
        '    listEvents: async () => { throw new Error("boom inside the backend"); },',
        "    close: async () => {},",
        "  }),",
        "};",
      ].join("\n"),
      "node_modules/papyra-backend-notone/package.json": JSON.stringify({
        name: "papyra-backend-notone",
        main: "index.js",
      }),
      "node_modules/papyra-backend-notone/index.js": "module.exports = { hello: 1 };",
    });
    const [broken, brokenJson, notOne] = await Promise.all([
      papyra(["inspect", "events", "--backend", "broken"], { cwd: dir }),
      papyraJson(["inspect", "events", "--backend", "broken"], { cwd: dir }),
      papyra(["inspect", "events", "--backend", "notone"], { cwd: dir }),
    ]);
    expect(broken.code).toBe(70);
    expect(broken.stderr).toContain("boom inside the backend");
    expect(brokenJson.doc).toMatchObject({ ok: false, exit_code: 70 });
    expect(notOne.code).toBe(78);
    expect(notOne.stderr).toMatch(
      /papyra-backend-notone .* does not export a Papyra backend definition/,
    );
  });
});
