import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guideBlocks } from "./guide.js";

const units = guideBlocks().filter((b) => b.kind === "systemd");
const analyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
const hasAnalyze = analyze.status === 0;

/** `[Section]` → `key` → values, in order (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1] as string, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (!current || eq <= 0) throw new Error(`not a unit line: ${JSON.stringify(line)}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

describe("the guide's systemd units", () => {
  it("are the service with ExecStartPre, and the compaction service and its timer", () => {
    expect(units.map((u) => u.name)).toEqual([
      "orders.service",
      "papyra-compact.service",
      "papyra-compact.timer",
    ]);
    const service = parseUnit(units[0]?.code ?? "");
    expect(service.get("Service")?.get("ExecStartPre")?.[0]).toMatch(
      /papyra doctor run --mode recover --allow-missing --path \/var\/lib\/orders\/papyra\.ndjson$/,
    );
    expect(service.get("Service")?.get("Restart")).toEqual(["on-failure"]);
    const timer = parseUnit(units[2]?.code ?? "");
    expect(timer.get("Timer")?.get("Persistent")).toEqual(["true"]);
  });

  it.skipIf(!hasAnalyze)(
    "pass `systemd-analyze verify` without a warning (skipped where systemd-analyze is not installed)",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "papyra-units-"));
      try {
        // Programs the units start that this machine does not have (papyra installed globally,
        // the service itself) become one stub, so that verify judges the units, not the host.
        const stub = join(dir, "stub");
        writeFileSync(stub, "#!/bin/sh\nexit 0\n");
        chmodSync(stub, 0o755);
        const files = units.map((unit) => {
          const code = unit.code.replace(/^(Exec\w+=)(\S+)/gm, (line, key: string, program) =>
            existsSync(program) ? line : `${key}${stub}`,
          );
          const file = join(dir, unit.name);
          writeFileSync(file, code);
          return file;
        });
        const verify = spawnSync("systemd-analyze", ["verify", ...files], {
          encoding: "utf8",
          env: { ...process.env, SYSTEMD_LOG_LEVEL: "notice" },
        });
        const mentions = `${verify.stdout}\n${verify.stderr}`
          .split("\n")
          .filter((line) => units.some((u) => line.includes(u.name)));
        expect(mentions).toEqual([]);
        expect(verify.status, verify.stderr).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
