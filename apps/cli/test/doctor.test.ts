import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  event,
  ndjson,
  papyra,
  papyraJson,
  startWriter,
  tempProject,
  writeStore,
} from "./helpers.js";

const records = [
  event(1, "ActorStarted", "a"),
  event(2, "ActorCrashed", "a"),
  event(3, "ActorStopped", "a"),
];

function damaged(dir: string): string {
  const lines = ndjson(records).split("\n");
  lines.splice(1, 0, "this is not json");
  return writeStore(join(dir, "papyra.ndjson"), [], lines.join("\n"));
}

describe("doctor run", () => {
  it("on a healthy store reports healthy with exit 0, in human and JSON output", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), records);
    const [human, json] = await Promise.all([
      papyra(["doctor", "run"], { cwd: dir }),
      papyraJson(["doctor", "run", "--full"], { cwd: dir }),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Mode:\s+scan_only/);
    expect(human.stdout).toMatch(/Result:\s+healthy/);
    expect(json.doc).toMatchObject({
      command: "doctor run",
      ok: true,
      exit_code: 0,
      capabilities: { scan: true },
      check: { mode: "scan_only", remaining_anomalies: 0, scan: { incremental: false } },
      failure: null,
    });
  });

  it("scan_only reports anomalies and still exits 0; fail_on_anomaly exits 1", async () => {
    const dir = tempProject();
    damaged(dir);
    const [scanOnly, fail] = await Promise.all([
      papyra(["doctor", "run"], { cwd: dir }),
      papyraJson(["doctor", "run", "--mode", "fail_on_anomaly"], { cwd: dir }),
    ]);
    expect(scanOnly.code).toBe(0);
    expect(scanOnly.stdout).toContain("CORRUPTED_LINE");
    expect(scanOnly.stdout).toMatch(/anomalies reported/);
    expect(fail.code).toBe(1);
    expect(fail.doc).toMatchObject({
      ok: false,
      exit_code: 1,
      failure: { reason: "anomalies" },
      check: { remaining_anomalies: 1 },
    });
    expect(fail.stderr).toMatch(/Startup refused/);
  });

  it("recover mode repairs and exits 0", async () => {
    const dir = tempProject();
    const path = damaged(dir);
    const { code, stdout } = await papyra(
      ["doctor", "run", "--mode", "recover", "--recovery-mode", "repair"],
      {
        cwd: dir,
      },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/Result:\s+recovered, store is clean/);
    expect(readFileSync(path, "utf8")).toBe(ndjson(records));
  });

  it("exits 64 for quarantine without a directory, an unknown mode or a bad --timeout-ms", async () => {
    const dir = tempProject();
    damaged(dir);
    const runs = await Promise.all([
      papyra(["doctor", "run", "--mode", "recover", "--recovery-mode", "quarantine"], { cwd: dir }),
      papyra(["doctor", "run", "--mode", "sometimes"], { cwd: dir }),
      papyra(["doctor", "run", "--timeout-ms", "0"], { cwd: dir }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([64, 64, 64]);
    expect(runs[0]?.stderr).toContain("--quarantine-dir");
  });

  it("recover mode exits 75 when a running writer holds the lock", async () => {
    const dir = tempProject();
    const path = damaged(dir);
    const writer = await startWriter(path);
    const { code } = await papyra(["doctor", "run", "--mode", "recover"], { cwd: dir });
    expect(code).toBe(75);
    writer.kill("SIGKILL");
  });

  it("exits 66 when there is no store (a mistyped directory), 69 when the store cannot be opened", async () => {
    const dir = tempProject({ "a-directory/keep.txt": "" });
    const [missing, unavailable] = await Promise.all([
      papyra(["doctor", "run", "--path", "nowhere/papyra.ndjson"], { cwd: dir }),
      papyra(["doctor", "run", "--path", "a-directory"], { cwd: dir }),
    ]);
    expect(missing.code).toBe(66);
    expect(unavailable.code).toBe(69);
  });
});

describe("persistence startup-check", () => {
  it("defaults to fail_on_anomaly: 0 when clean, 1 on anomalies; recover mode repairs (0)", async () => {
    const clean = tempProject();
    writeStore(join(clean, "papyra.ndjson"), records);
    const bad = tempProject();
    damaged(bad);
    const [ok, refused] = await Promise.all([
      papyraJson(["persistence", "startup-check"], { cwd: clean }),
      papyra(["persistence", "startup-check"], { cwd: bad }),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.doc).toMatchObject({
      command: "persistence startup-check",
      check: { mode: "fail_on_anomaly" },
    });
    expect(ok.doc).not.toHaveProperty("capabilities");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/FAILED \(anomalies\)/);
    const recovered = await papyra(["persistence", "startup-check", "--mode", "recover"], {
      cwd: bad,
    });
    expect(recovered.code).toBe(0);
  });

  it("exits 64 for quarantine without a directory", async () => {
    const dir = tempProject();
    damaged(dir);
    const { code } = await papyra(
      ["persistence", "startup-check", "--mode", "recover", "--recovery-mode", "quarantine"],
      { cwd: dir },
    );
    expect(code).toBe(64);
  });
});
