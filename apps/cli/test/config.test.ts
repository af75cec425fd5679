import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { event, papyra, papyraJson, tempProject, writeStore } from "./helpers.js";

function eventTypes(doc: Record<string, unknown>): string[] {
  return (doc.events as { event_type: string }[]).map((e) => e.event_type);
}

describe("config file discovery", () => {
  it("finds papyra.config.ts from a subdirectory; relative paths resolve against its directory", async () => {
    const dir = tempProject({
      "papyra.config.ts": [
        "interface Config { path: string }",
        'const config: Config = { path: "data/store.ndjson" };',
        "export default config;",
      ].join("\n"),
    });
    mkdirSync(join(dir, "data"));
    mkdirSync(join(dir, "src", "deep"), { recursive: true });
    writeStore(join(dir, "data", "store.ndjson"), [event(1, "FromTs", "a")]);
    const { code, doc } = await papyraJson(["inspect", "events"], {
      cwd: join(dir, "src", "deep"),
    });
    expect(code).toBe(0);
    expect(eventTypes(doc)).toEqual(["FromTs"]);
    expect(doc.store).toMatchObject({
      selected_by: "config",
      config_file: join(dir, "papyra.config.ts"),
    });
  });

  it("reads papyra.config.mjs, papyra.config.json with backend options, and package.json#papyra", async () => {
    const mjs = tempProject({ "papyra.config.mjs": 'export default { backend: "memory" };' });
    const json = tempProject({
      "papyra.config.json": JSON.stringify({
        backend: "json",
        options: { path: "s.ndjson", retention: { maxRecords: 1 } },
      }),
    });
    writeStore(join(json, "s.ndjson"), [event(1, "Old", "a"), event(2, "New", "a")]);
    const pkg = tempProject();
    writeStore(
      join(pkg, "package.json"),
      [],
      JSON.stringify({ name: "app", papyra: { path: "pkg.ndjson" } }),
    );
    writeStore(join(pkg, "pkg.ndjson"), [event(1, "FromPackageJson", "a")]);
    const [a, b, c] = await Promise.all([
      papyraJson(["inspect", "events"], { cwd: mjs }),
      papyraJson(["inspect", "events"], { cwd: json }),
      papyraJson(["inspect", "events"], { cwd: pkg }),
    ]);
    expect(a.doc.store).toMatchObject({ backend: "memory", selected_by: "config" });
    expect(eventTypes(b.doc)).toEqual(["New"]);
    expect(eventTypes(c.doc)).toEqual(["FromPackageJson"]);
  });

  it("--config names a file anywhere", async () => {
    const dir = tempProject({ "conf/custom.json": JSON.stringify({ path: "../x.ndjson" }) });
    writeStore(join(dir, "x.ndjson"), [event(1, "Custom", "a")]);
    const { doc } = await papyraJson(["inspect", "events", "--config", "conf/custom.json"], {
      cwd: dir,
    });
    expect(eventTypes(doc)).toEqual(["Custom"]);
  });
});

describe("precedence: flags, then environment, then config, then ./papyra.ndjson", () => {
  it("picks the store from the right place", async () => {
    const dir = tempProject({ "papyra.config.json": JSON.stringify({ path: "config.ndjson" }) });
    for (const name of ["config", "env", "flag"])
      writeStore(join(dir, `${name}.ndjson`), [event(1, name, "a")]);
    const env = { PAPYRA_PATH: "env.ndjson" };
    const [fromConfig, fromEnv, fromFlag] = await Promise.all([
      papyraJson(["inspect", "events"], { cwd: dir }),
      papyraJson(["inspect", "events"], { cwd: dir, env }),
      papyraJson(["inspect", "events", "--path", "flag.ndjson"], { cwd: dir, env }),
    ]);
    expect(eventTypes(fromConfig.doc)).toEqual(["config"]);
    expect(eventTypes(fromEnv.doc)).toEqual(["env"]);
    expect(eventTypes(fromFlag.doc)).toEqual(["flag"]);
  });

  it("PAPYRA_BACKEND chooses the backend, --backend overrides it", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), [event(1, "Json", "a")]);
    const [env, flag] = await Promise.all([
      papyraJson(["inspect", "events"], { cwd: dir, env: { PAPYRA_BACKEND: "memory" } }),
      papyraJson(["inspect", "events", "--backend", "json", "--path", "papyra.ndjson"], {
        cwd: dir,
        env: { PAPYRA_BACKEND: "memory" },
      }),
    ]);
    expect(env.doc).toMatchObject({ store: { backend: "memory", selected_by: "env" }, events: [] });
    expect(flag.doc).toMatchObject({ store: { backend: "json", selected_by: "flag" } });
    expect(eventTypes(flag.doc)).toEqual(["Json"]);
  });

  it("a config written for one backend does not leak into another chosen by flag", async () => {
    const dir = tempProject({
      "papyra.config.json": JSON.stringify({ path: "x.ndjson", options: { durability: "fsync" } }),
    });
    const { code, doc } = await papyraJson(["inspect", "events", "--backend", "memory"], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(doc.store).toMatchObject({ backend: "memory", selected_by: "flag", config_file: null });
  });
});

describe("configuration errors exit 78", () => {
  it("a bad config file is reported field by field", async () => {
    const dir = tempProject({
      "papyra.config.json": JSON.stringify({ backnd: "json", path: 42 }),
    });
    const { code, stderr, doc } = await papyraJson(["inspect", "events"], { cwd: dir });
    expect(code).toBe(78);
    expect(stderr).toContain("papyra.config.json");
    expect(stderr).toMatch(/backnd/);
    expect(stderr).toMatch(/path:/);
    expect(doc).toMatchObject({
      ok: false,
      exit_code: 78,
      error: { code: "PAPYRA_CONFIGURATION" },
    });
  });

  it("a config module that does not load, and a broken JSON file", async () => {
    const mjs = tempProject({ "papyra.config.mjs": "export default {" });
    const json = tempProject({ "papyra.config.json": "{ not json" });
    const runs = await Promise.all([
      papyra(["inspect", "events"], { cwd: mjs }),
      papyra(["inspect", "events"], { cwd: json }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([78, 78]);
    expect(runs[0]?.stderr).toMatch(/papyra\.config\.mjs.*cannot be loaded/);
  });

  it("backend options failing the backend's schema are named one by one, with their flags", async () => {
    const dir = tempProject({
      "papyra.config.json": JSON.stringify({
        options: { path: "", durability: "sometimes", retention: { maxRecords: -1 } },
      }),
    });
    const { code, stderr } = await papyra(["inspect", "events"], { cwd: dir });
    expect(code).toBe(78);
    expect(stderr).toMatch(/Invalid options for backend "json"/);
    expect(stderr).toMatch(/- path \(--json-path, --path\):/);
    expect(stderr).toMatch(/- durability \(--json-durability\):/);
    expect(stderr).toMatch(/- retention\.maxRecords \(--json-retention-max-records\):/);
    const flag = await papyra(["inspect", "events", "--json-retention-max-records", "many"], {
      cwd: tempProject(),
    });
    expect(flag.code).toBe(78);
    expect(flag.stderr).toMatch(/retention\.maxRecords/);
  });

  it("a backend that is not installed names the package to install (flag, env, config)", async () => {
    const dir = tempProject();
    const withConfig = tempProject({ "papyra.config.json": JSON.stringify({ backend: "nosuch" }) });
    const runs = await Promise.all([
      papyra(["inspect", "events", "--backend", "nosuch"], { cwd: dir }),
      papyra(["persistence", "scan"], { cwd: dir, env: { PAPYRA_BACKEND: "nosuch" } }),
      papyra(["doctor", "run"], { cwd: withConfig }),
      // an unknown (backend) flag next to the missing backend reports the missing backend
      papyra(["inspect", "events", "--backend", "nosuch", "--nosuch-url", "x"], { cwd: dir }),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(78);
      expect(run.stderr).toContain("npm install @papyra/backend-nosuch");
      expect(run.stderr).toContain("papyra-backend-nosuch");
    }
  });

  it("PAPYRA_PATH with a backend that has no path is a configuration error", async () => {
    const { code } = await papyra(["inspect", "events", "--backend", "memory"], {
      cwd: tempProject(),
      env: { PAPYRA_PATH: "x.ndjson" },
    });
    expect(code).toBe(78);
  });

  it("--path with a backend that has no path is a usage error (64)", async () => {
    const { code, stderr } = await papyra(
      ["inspect", "events", "--backend", "memory", "--path", "x"],
      {
        cwd: tempProject(),
      },
    );
    expect(code).toBe(64);
    expect(stderr).toMatch(/--path does not apply to backend "memory"/);
  });
});
