import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  audit,
  deadLetter,
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
  audit(3, 2, 0),
  event(4, "ActorRestarted", "a"),
  deadLetter(5, "Ping", "sys:b"),
  event(6, "ActorStopped", "a"),
];

/** A store with a corrupted line in the middle and a torn last line. */
function damagedStore(dir: string): string {
  const lines = ndjson(records).split("\n");
  lines.splice(2, 0, '{"kind":"event","system_id":"sys","actor_addr');
  return writeStore(join(dir, "papyra.ndjson"), [], `${lines.join("\n")}{"kind":"event","sys`);
}

describe("persistence scan", () => {
  it("exits 0 on a clean store and 2 when it finds anomalies, listed in human and JSON output", async () => {
    const clean = tempProject();
    writeStore(join(clean, "papyra.ndjson"), records);
    const damaged = tempProject();
    damagedStore(damaged);
    const [ok, bad, badJson] = await Promise.all([
      papyra(["persistence", "scan"], { cwd: clean }),
      papyra(["persistence", "scan"], { cwd: damaged }),
      papyraJson(["persistence", "scan"], { cwd: damaged }),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Scan:\s+clean: 6 records in \d+(\.\d)? (B|KiB) checked\n/);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("CORRUPTED_LINE");
    expect(bad.stdout).toMatch(/papyra\.ndjson:3/);
    expect(badJson.code).toBe(2);
    expect(badJson.doc).toMatchObject({ command: "persistence scan", ok: false, exit_code: 2 });
    const scan = badJson.doc.scan as {
      anomalies: { type: string; line?: number }[];
      records_scanned: number;
    };
    expect(scan.records_scanned).toBe(6);
    expect(scan.anomalies).toHaveLength(2);
    expect(scan.anomalies[0]).toMatchObject({ type: "CORRUPTED_LINE", line: 3 });
  });

  it("exits 66 (PAPYRA_NOT_FOUND) when the store's directory does not exist", async () => {
    const dir = tempProject();
    const { code, stderr, doc } = await papyraJson(
      ["persistence", "scan", "--path", "missing/x.ndjson"],
      { cwd: dir },
    );
    expect(code).toBe(66);
    expect(stderr).toContain(join(dir, "missing/x.ndjson"));
    expect(doc).toMatchObject({ ok: false, exit_code: 66, error: { code: "PAPYRA_NOT_FOUND" } });
  });
});

describe("persistence recover", () => {
  it("repair keeps every valid record, ends with a clean scan and exits 0", async () => {
    const dir = tempProject();
    const path = damagedStore(dir);
    const { code, doc } = await papyraJson(["persistence", "recover"], { cwd: dir });
    expect(code).toBe(0);
    expect(doc).toMatchObject({
      command: "persistence recover",
      ok: true,
      recovery: { mode: "repair" },
    });
    expect((doc.scan_after as { anomalies: unknown[] }).anomalies).toEqual([]);
    expect(readFileSync(path, "utf8")).toBe(ndjson(records));
  });

  it("ignore mode leaves the damage, so the final scan exits 2", async () => {
    const dir = tempProject();
    damagedStore(dir);
    const { code, stdout } = await papyra(["persistence", "recover", "--mode", "ignore"], {
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stdout).toMatch(/After:\s+2 anomalies/);
  });

  it("quarantine copies the damaged original into --quarantine-dir, and needs one (64)", async () => {
    const dir = tempProject();
    damagedStore(dir);
    const missing = await papyra(["persistence", "recover", "--mode", "quarantine"], { cwd: dir });
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain("--quarantine-dir");
    const { code } = await papyra(
      ["persistence", "recover", "--mode", "quarantine", "--quarantine-dir", "q"],
      {
        cwd: dir,
      },
    );
    expect(code).toBe(0);
    expect(readdirSync(join(dir, "q")).length).toBeGreaterThan(0);
  });

  it("exits 75 while a running writer holds the store's lock, and changes nothing", async () => {
    const dir = tempProject();
    const path = damagedStore(dir);
    const writer = await startWriter(path);
    const before = readFileSync(path, "utf8");
    const { code, stderr } = await papyra(["persistence", "recover"], { cwd: dir });
    expect(code).toBe(75);
    expect(stderr).toMatch(/locked by process \d+/);
    expect(readFileSync(path, "utf8")).toBe(before);
    writer.kill("SIGKILL");
  });
});

describe("persistence compact", () => {
  it("removes what retention excludes (options as flags) and prints its report", async () => {
    const dir = tempProject();
    const path = writeStore(join(dir, "papyra.ndjson"), records);
    const { code, stdout } = await papyra(
      ["persistence", "compact", "--json-retention-max-records", "1"],
      {
        cwd: dir,
      },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/Records:\s+6 -> 3 \(3 removed\)/);
    expect(stdout).toMatch(/Bytes:.*reclaimed/);
    expect(readFileSync(path, "utf8")).toBe(ndjson([records[2], records[4], records[5]] as never));
  });

  it("JSON output carries the compaction report", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), records);
    const { code, doc } = await papyraJson(["persistence", "compact"], { cwd: dir });
    expect(code).toBe(0);
    expect(doc.compaction).toMatchObject({
      before_records: 6,
      after_records: 6,
      removed_records: 0,
    });
  });

  it("exits 2 on a damaged store and changes nothing", async () => {
    const dir = tempProject();
    const path = damagedStore(dir);
    const before = readFileSync(path, "utf8");
    const { code, stderr } = await papyra(
      ["persistence", "compact", "--json-retention-max-records", "1"],
      {
        cwd: dir,
      },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/recover/);
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("exits 75 while a running writer holds the lock", async () => {
    const dir = tempProject();
    const path = writeStore(join(dir, "papyra.ndjson"), records);
    const writer = await startWriter(path);
    const { code, doc } = await papyraJson(["persistence", "compact"], { cwd: dir });
    expect(code).toBe(75);
    expect(doc).toMatchObject({ ok: false, exit_code: 75, error: { code: "PAPYRA_LOCKED" } });
    writer.kill("SIGKILL");
  });
});

describe("persistence inspect", () => {
  it("shows counts, capabilities and (with --show-metrics) durable metrics", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), records);
    const [human, json] = await Promise.all([
      papyra(["persistence", "inspect", "--show-metrics"], { cwd: dir }),
      papyraJson(["persistence", "inspect"], { cwd: dir }),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Capabilities: scan, recover, compact/);
    expect(human.stdout).toMatch(
      /events\s+4\s+1970-01-01T00:00:01\.000Z\s+1970-01-01T00:00:06\.000Z/,
    );
    expect(human.stdout).toMatch(/records_written:\s+\d+/);
    expect(json.doc).toMatchObject({
      records: { events: { count: 4 }, audits: { count: 1 }, dead_letters: { count: 1 } },
      capabilities: { scan: true, recover: true, compact: true },
    });
    expect(json.doc).not.toHaveProperty("metrics");
    expect(existsSync(join(dir, ".papyra.ndjson.lock"))).toBe(false);
    expect(existsSync(join(dir, "papyra.ndjson.lock"))).toBe(false);
  });
});
