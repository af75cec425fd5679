import { PAPYRA_COUNTERS, PROMETHEUS_STORE_LABEL } from "@papyra/opentelemetry/prometheus";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { block, guideBlocks } from "./guide.js";

/** Parses one YAML block strictly: any error or warning fails. */
function parseYaml(code: string): unknown {
  const documents = parseAllDocuments(code, { strict: true, uniqueKeys: true });
  expect(Array.isArray(documents)).toBe(true);
  const list = documents as ReturnType<typeof parseAllDocuments> & unknown[];
  expect(list).toHaveLength(1);
  const [document] = list;
  expect(document?.errors).toEqual([]);
  expect(document?.warnings).toEqual([]);
  return document?.toJS();
}

type Json = Record<string, unknown>;
const at = (value: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], value);

describe("the guide's YAML", () => {
  it("every YAML block parses without an error or a warning", () => {
    const yamlBlocks = guideBlocks().filter((b) => b.kind === "yaml");
    expect(yamlBlocks.map((b) => b.name)).toEqual(["k8s", "prometheus", "alerts"]);
    for (const b of yamlBlocks) parseYaml(b.code);
  });

  it("the Kubernetes Deployment: one replica, Recreate, the init container's startup check, the metrics port", () => {
    const manifest = parseYaml(block("yaml", "k8s").code) as Json;
    expect(manifest).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment" });
    expect(at(manifest, "spec", "replicas")).toBe(1);
    expect(at(manifest, "spec", "strategy", "type")).toBe("Recreate");
    const pod = at(manifest, "spec", "template", "spec") as Json;
    const init = at(pod, "initContainers", 0) as Json;
    expect([...(init.command as string[]), ...(init.args as string[])]).toEqual([
      "npx",
      "papyra",
      "doctor",
      "run",
      "--mode",
      "fail_on_anomaly",
      "--allow-missing",
      "--path",
      "/data/papyra.ndjson",
    ]);
    const main = at(pod, "containers", 0) as Json;
    // The init container checks the very volume the service writes.
    expect(at(init, "volumeMounts", 0)).toEqual(at(main, "volumeMounts", 0));
    expect(at(main, "ports", 0, "containerPort")).toBe(9464);
    expect(at(manifest, "spec", "template", "metadata", "annotations", "prometheus.io/port")).toBe(
      "9464",
    );
    expect(at(main, "readinessProbe", "httpGet", "path")).toBe("/ready");
    expect(at(main, "livenessProbe", "httpGet", "path")).toBe("/live");
  });

  it("the scrape configuration targets the exporter's port", () => {
    const config = parseYaml(block("yaml", "prometheus").code) as Json;
    const target = at(config, "scrape_configs", 0, "static_configs", 0, "targets", 0);
    expect(target).toMatch(/:9464$/);
  });

  it("the alert rules use only the metric names and labels that the exporter and the CLI produce", () => {
    const rules = parseYaml(block("yaml", "alerts").code) as Json;
    const list = at(rules, "groups", 0, "rules") as Json[];
    const known = new Set(PAPYRA_COUNTERS.map((c) => c.prometheusName));
    const used = new Set<string>();
    for (const rule of list) {
      expect(rule.alert).toMatch(/^Papyra[A-Za-z]+$/);
      const expr = rule.expr as string;
      for (const [name] of expr.matchAll(/papyra_[a-z_]+/g)) {
        expect(known, `${rule.alert}: ${name}`).toContain(name);
        used.add(name);
      }
      expect(expr).toMatch(/^increase\(papyra_[a-z_]+_total\[\d+[smhd]\]\) > 0$/);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/);
      expect(["page", "ticket"]).toContain(at(rule, "labels", "severity"));
      const summary = at(rule, "annotations", "summary") as string;
      for (const [, label] of summary.matchAll(/\$labels\.(\w+)/g)) {
        expect(label).toBe(PROMETHEUS_STORE_LABEL);
      }
    }
    expect([...used].sort()).toEqual([
      "papyra_anomaly_detected_total",
      "papyra_compaction_errors_total",
      "papyra_recovery_failures_total",
      "papyra_write_errors_total",
    ]);
  });
});
