import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  binaryBytes,
  event,
  ndjson,
  PASSWD_TEXT,
  papyra,
  papyraJson,
  snapshotDir,
  tempProject,
  writeStore,
} from "./helpers.js";

const many = Array.from({ length: 100 }, (_, i) => event(i + 1, "ActorStarted", `a${i}`));

describe("repair, quarantine and compaction refuse what is not a store (exit 65)", () => {
  it("a copy of a text file: every command that would rewrite it exits 65 and changes nothing; --force does it", async () => {
    const dir = tempProject({ "notes.txt": PASSWD_TEXT });
    const before = snapshotDir(dir);
    // One at a time: each takes the file's writer lock while it judges the file.
    const runs = [];
    for (const args of [
      ["persistence", "recover", "--path", "notes.txt"],
      ["persistence", "recover", "--path", "notes.txt", "--json"],
      ["persistence", "recover", "--path", "notes.txt", "--mode", "quarantine"],
      ["persistence", "compact", "--path", "notes.txt"],
      ["doctor", "run", "--mode", "recover", "--path", "notes.txt"],
      ["persistence", "startup-check", "--mode", "recover", "--path", "notes.txt"],
    ]) {
      const quarantine = args.includes("quarantine") ? ["--quarantine-dir", "q"] : [];
      runs.push(await papyra([...args, ...quarantine], { cwd: dir }));
    }
    expect(runs.map((r) => r.code)).toEqual([65, 65, 65, 65, 65, 65]);
    expect(snapshotDir(dir)).toEqual(before);
    const [human, json] = runs;
    expect(human?.stderr).toContain(join(dir, "notes.txt"));
    expect(JSON.parse(json?.stdout ?? "")).toMatchObject({
      ok: false,
      exit_code: 65,
      error: { code: "PAPYRA_NOT_A_STORE" },
    });
    expect(human?.stderr).toMatch(/no line of it is a record; it looks like a text file/);
    expect(human?.stderr).toMatch(/6 lines/);
    expect(human?.stderr).toMatch(/Check the path/);
    expect(human?.stderr).toMatch(/--force/);

    const forced = await papyra(["persistence", "recover", "--path", "notes.txt", "--force"], {
      cwd: dir,
    });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("");
  });

  it("binary data: never rewritten by default, the message says it looks like binary data", async () => {
    const bytes = binaryBytes();
    const dir = tempProject();
    writeFileSync(join(dir, "blob.bin"), bytes);
    const before = snapshotDir(dir);
    const recover = await papyra(["persistence", "recover", "--path", "blob.bin"], { cwd: dir });
    const compact = await papyra(["persistence", "compact", "--path", "blob.bin"], { cwd: dir });
    expect([recover.code, compact.code]).toEqual([65, 65]);
    expect(recover.stderr).toMatch(/it looks like binary data/);
    expect(compact.stderr).toMatch(/Refusing to compact/);
    expect(snapshotDir(dir)).toEqual(before);
    expect(readFileSync(join(dir, "blob.bin")).equals(bytes)).toBe(true);

    const forced = await papyra(
      ["doctor", "run", "--mode", "recover", "--path", "blob.bin", "--force"],
      { cwd: dir },
    );
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, "blob.bin")).length).toBeLessThan(bytes.length);
  });

  it("a file of zeros (a disk image, a preallocated file) is binary data: refused, unchanged", async () => {
    for (const bytes of [
      Buffer.alloc(4096),
      Buffer.concat([Buffer.alloc(600), Buffer.from("\n")]),
    ]) {
      const dir = tempProject();
      writeFileSync(join(dir, "zeros.bin"), bytes);
      const before = snapshotDir(dir);
      const runs = [];
      for (const args of [
        ["persistence", "recover", "--path", "zeros.bin"],
        ["persistence", "compact", "--path", "zeros.bin", "--json-retention-max-records", "1"],
        ["doctor", "run", "--mode", "recover", "--path", "zeros.bin"],
      ]) {
        runs.push(await papyra(args, { cwd: dir }));
      }
      expect(runs.map((r) => r.code)).toEqual([65, 65, 65]);
      expect(runs[0]?.stderr).toMatch(/only NUL bytes/);
      expect(snapshotDir(dir)).toEqual(before);
    }
  });

  it("JSON that is not Papyra records (a JSON-lines log, a pretty-printed file) is refused too", async () => {
    const dir = tempProject({
      "app.log": '{"level":"info","msg":"started"}\n{"level":"warn","msg":"slow"}\n',
      "package.json": JSON.stringify({ name: "x", private: true }, null, 2),
    });
    const before = snapshotDir(dir);
    const [log, pkg] = await Promise.all([
      papyra(["persistence", "recover", "--path", "app.log"], { cwd: dir }),
      papyra(["persistence", "recover", "--path", "package.json"], { cwd: dir }),
    ]);
    expect([log.code, pkg.code]).toEqual([65, 65]);
    expect(log.stderr).toMatch(/JSON that is not Papyra records/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it("a store that is mostly damage (damaged lines outnumber records) is refused; --force repairs it", async () => {
    const dir = tempProject();
    const path = writeStore(join(dir, "papyra.ndjson"), many.slice(0, 2), "x\ny\nz\n");
    const before = snapshotDir(dir);
    const refused = await papyra(["persistence", "recover"], { cwd: dir });
    expect(refused.code).toBe(65);
    expect(refused.stderr).toMatch(/3 lines are damaged against 2 records/);
    expect(snapshotDir(dir)).toEqual(before);
    const forced = await papyra(["persistence", "recover", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(ndjson(many.slice(0, 2)));
  });

  it("real damage in a real store is repaired as before: a torn last line, a few corrupted lines among many", async () => {
    const dir = tempProject();
    const lines = ndjson(many).split("\n");
    lines.splice(10, 0, "garbage");
    lines.splice(50, 0, '{"no_kind":true}');
    const path = writeStore(join(dir, "papyra.ndjson"), [], `${lines.join("\n")}{"kind":"ev`);
    const { code, doc } = await papyraJson(["persistence", "recover"], { cwd: dir });
    expect(code).toBe(0);
    expect(doc).toMatchObject({ recovery: { dropped_damaged: 3 } });
    expect(readFileSync(path, "utf8")).toBe(ndjson(many));
  });

  it("a brand-new store whose first write was torn is repaired (the fragment is damage, not a foreign file)", async () => {
    const dir = tempProject();
    const path = writeStore(join(dir, "papyra.ndjson"), [], '{"kind":"event","system_id":"s');
    const { code } = await papyra(["doctor", "run", "--mode", "recover"], { cwd: dir });
    expect(code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe("");
  });
});

describe("human output lists at most 20 anomalies", () => {
  it("scan, recover and doctor say how many more there are; --json keeps them all", async () => {
    const dir = tempProject();
    const lines = ndjson(many).split("\n");
    for (let i = 0; i < 30; i++) lines.splice(2 + i * 3, 0, `broken ${i}`);
    writeStore(join(dir, "papyra.ndjson"), [], lines.join("\n"));
    const [scan, scanJson, doctor, startup] = await Promise.all([
      papyra(["persistence", "scan"], { cwd: dir }),
      papyraJson(["persistence", "scan"], { cwd: dir }),
      papyra(["doctor", "run", "--full"], { cwd: dir }),
      papyra(["persistence", "startup-check"], { cwd: dir }),
    ]);
    for (const run of [scan, doctor, startup]) {
      expect(run.stdout.match(/^\s+CORRUPTED_LINE\s/gm)).toHaveLength(20);
      expect(run.stdout).toContain("... and 10 more (use --json for the full list)");
    }
    expect(scan.code).toBe(2);
    expect((scanJson.doc.scan as { anomalies: unknown[] }).anomalies).toHaveLength(30);
    const recover = await papyra(["persistence", "recover", "--dry-run"], { cwd: dir });
    expect(recover.stdout.match(/^\s+CORRUPTED_LINE\s/gm)).toHaveLength(20);
    expect(recover.stdout).toContain("... and 10 more");
  });
});

describe("read-only commands on a file that is not a store leave nothing beside it", () => {
  it("scan, doctor, startup-check, inspect and metrics on a text file or a binary file create no sidecar", async () => {
    for (const [name, content] of [
      ["notes.txt", PASSWD_TEXT],
      ["blob.bin", binaryBytes()],
    ] as const) {
      const dir = tempProject();
      writeFileSync(join(dir, name), content);
      const before = snapshotDir(dir);
      const codes = [];
      for (const args of [
        ["persistence", "scan"],
        ["doctor", "run", "--mode", "fail_on_anomaly"],
        ["persistence", "startup-check"],
        ["persistence", "inspect"],
        ["inspect", "events"],
        ["inspect", "summary"],
        ["metrics", "persistence"],
      ]) {
        codes.push((await papyra([...args, "--path", name], { cwd: dir })).code);
      }
      expect(snapshotDir(dir), name).toEqual(before);
      expect(codes.slice(0, 3), name).toEqual([2, 1, 1]);
    }
  });

  it("a real store with damage still keeps the counters of a read-only scan", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), many, "garbage\n");
    expect((await papyra(["persistence", "scan"], { cwd: dir })).code).toBe(2);
    const { doc } = await papyraJson(["metrics", "persistence"], { cwd: dir });
    expect((doc.metrics as { counters: Record<string, number> }).counters).toMatchObject({
      scan_operations: 1,
      anomaly_detected: 1,
    });
  });
});
