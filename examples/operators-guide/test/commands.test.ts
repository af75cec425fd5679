import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { openJsonStore } from "@papyra/backend-json";
import { PAPYRA_COUNTERS } from "@papyra/opentelemetry/prometheus";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { block } from "./guide.js";
import { papyraBin, Sandbox } from "./sandbox.js";
import { damagedJsonStore, jsonStore, rotatingStore, tornJsonStore } from "./stores.js";

/** `KEY=value` lines of the [Service] section of a unit block. */
function serviceValue(unit: string, key: string): string {
  const line = unit.split("\n").find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`the unit has no ${key}=`);
  return line.slice(key.length + 1);
}

/** The arguments after `papyra` in a command line (no quoting in the guide's commands). */
function papyraArgs(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const at = words.findIndex((w) => w === "papyra" || w.endsWith("/papyra"));
  if (at < 0) throw new Error(`no papyra command in ${JSON.stringify(command)}`);
  return words.slice(at + 1);
}

describe("every papyra command of the guide, against a temporary store", () => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
    expect(existsSync(papyraBin())).toBe(true);
  });
  afterEach(() => box.remove());

  it("the init container: 0 on a first deploy, 0 when healthy (also beside a writer), 1 when damaged", async () => {
    const init = (
      parseYaml(block("yaml", "k8s").code) as {
        spec: {
          template: { spec: { initContainers: Array<{ command: string[]; args: string[] }> } };
        };
      }
    ).spec.template.spec.initContainers[0];
    const args = (init?.args ?? []).map((a) => box.map(a));
    const store = box.path("/data/papyra.ndjson");
    const first = box.papyra(args);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/No store yet/);
    expect(readdirSync(box.path("/data"))).toEqual([]); // a check creates nothing
    await jsonStore(store);
    expect(box.papyra(args).status).toBe(0);
    {
      // The check only reads: it passes while a writer (an old pod) holds the store.
      await using _writer = await openJsonStore({ path: store });
      expect(box.papyra(args).status).toBe(0);
    }
    await damagedJsonStore(store);
    const damaged = box.papyra(args);
    expect(damaged.status).toBe(1);
  });

  it("ExecStartPre: 0 with no store yet; repairs a torn last line and starts (0)", async () => {
    const command = box.map(serviceValue(block("systemd", "orders.service").code, "ExecStartPre"));
    expect(command).toMatch(/doctor run --mode recover --allow-missing/);
    expect(box.sh(command).status).toBe(0);
    const store = box.path("/var/lib/orders/papyra.ndjson");
    await tornJsonStore(store);
    expect(box.papyra(["persistence", "scan", "--path", store]).status).toBe(2);
    const started = box.sh(command);
    expect(started.status, started.stderr).toBe(0);
    expect(box.papyra(["persistence", "scan", "--path", store]).status).toBe(0);
  });

  it("the compaction cron line and timer: 0 without a writer, 75 (nothing changed) while one runs", async () => {
    const config = block("json", "/etc/orders/papyra.config.json");
    writeFileSync(box.path("/etc/orders/papyra.config.json"), box.map(config.code));
    const store = box.path("/var/lib/orders/papyra.ndjson");
    await jsonStore(store);
    const cron =
      block("cron")
        .code.split("\n")
        .find((l) => l.trim() && !l.startsWith("#")) ?? "";
    const fields = cron.trim().split(/\s+/);
    expect(fields.slice(0, 5)).toEqual(["15", "3", "*", "*", "*"]);
    const command = box.map(cron.trim().split(/\s+/).slice(5).join(" "));
    expect(box.sh(command).status).toBe(0);
    const timerService = block("systemd", "papyra-compact.service").code;
    expect(serviceValue(timerService, "SuccessExitStatus")).toBe("75");
    const timerArgs = papyraArgs(box.map(serviceValue(timerService, "ExecStart")));
    expect(box.papyra(timerArgs).status).toBe(0);
    const before = readFileSync(store);
    {
      await using _writer = await openJsonStore({ path: store });
      expect(box.sh(command).status).toBe(75);
      expect(box.papyra(timerArgs).status).toBe(75);
    }
    expect(readFileSync(store)).toEqual(before);
    const log = readFileSync(box.path("/var/log/orders/papyra-compact.log"), "utf8");
    expect(log).toMatch(/"exit_code": 0/);
    expect(log).toMatch(/"exit_code": 75/);
  });

  it("the dry run of the compaction: 0, nothing changed", async () => {
    writeFileSync(
      box.path("/etc/orders/papyra.config.json"),
      box.map(block("json", "/etc/orders/papyra.config.json").code),
    );
    const store = box.path("/var/lib/orders/papyra.ndjson");
    await jsonStore(store);
    const before = readFileSync(store);
    const run = box.sh(box.map(block("sh", "compact-dry-run").code));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Dry run/);
    expect(readFileSync(store)).toEqual(before);
  });

  it("the JSON backup: a copy with a torn last line is repaired; a clean copy is kept as is", async () => {
    const store = box.path("/var/lib/orders/papyra.ndjson");
    const script = box.map(block("sh", "backup-json").code);
    await jsonStore(store);
    expect(box.sh(script).status).toBe(0);
    expect(readFileSync(box.path("/backup/orders/papyra.ndjson"))).toEqual(readFileSync(store));
    await tornJsonStore(store); // as a copy taken during a write would be
    const repaired = box.sh(script);
    expect(repaired.status, repaired.stderr).toBe(0);
    const copy = box.path("/backup/orders/papyra.ndjson");
    expect(box.papyra(["persistence", "scan", "--path", copy]).status).toBe(0);
  });

  it("the rotating backup: every segment copied, and the copy scans clean", async () => {
    const store = box.path("/var/lib/orders/papyra.log");
    await rotatingStore(store);
    const segments = readdirSync(box.path("/var/lib/orders")).filter((f) =>
      f.startsWith("papyra.log"),
    );
    expect(segments.length).toBeGreaterThan(2);
    const run = box.sh(box.map(block("sh", "backup-rotating").code));
    expect(run.status, run.stderr).toBe(0);
    const copied = readdirSync(box.path("/backup/orders-rotating"));
    // (the scan of the copy leaves its checkpoint and counters beside it, dot-named)
    expect(copied.filter((f) => !f.startsWith(".")).sort()).toEqual(segments.sort());
  });

  it("the textfile collector line writes Prometheus text with every papyra counter", async () => {
    const store = box.path("/var/lib/orders/papyra.ndjson");
    await jsonStore(store);
    const run = box.sh(box.map(block("sh", "textfile").code));
    expect(run.status, run.stderr).toBe(0);
    const dir = box.path("/var/lib/node_exporter/textfile_collector");
    expect(readdirSync(dir)).toEqual(["papyra.prom"]);
    const families = parsePrometheusTextFormat(readFileSync(`${dir}/papyra.prom`, "utf8"));
    expect(families.map((f) => f.name)).toEqual(PAPYRA_COUNTERS.map((c) => c.prometheusName));
    for (const family of families) {
      expect(family.type).toBe("COUNTER");
      expect(family.metrics[0]?.labels).toMatchObject({
        papyra_backend: "json",
        papyra_store: store,
      });
    }
  });
});
