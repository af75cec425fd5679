import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  event,
  ndjson,
  PASSWD_TEXT,
  papyra,
  papyraJson,
  snapshotDir,
  tempProject,
  writeStore,
} from "./helpers.js";

const records = Array.from({ length: 12 }, (_, i) => event(i + 1, "ActorStarted", `a${i}`));

/** A JSON store with a corrupted line, an invalid record and a torn last line, plus a leftover temp file. */
function damagedStore(dir: string): void {
  const lines = ndjson(records).split("\n");
  lines.splice(3, 0, "not json");
  lines.splice(7, 0, '{"no_kind":true}');
  writeStore(join(dir, "papyra.ndjson"), [], `${lines.join("\n")}{"kind":"event","sys`);
  writeFileSync(join(dir, ".papyra.ndjson.tmp-999999-abcdef01"), "half a rewrite");
}

describe("persistence recover --dry-run", () => {
  it("reports what repair would drop, changing no byte and no file (no temp, no sidecar, no checkpoint)", async () => {
    const dir = tempProject();
    damagedStore(dir);
    const before = snapshotDir(dir);
    const [human, json] = await Promise.all([
      papyra(["persistence", "recover", "--dry-run"], { cwd: dir }),
      papyraJson(["persistence", "recover", "--dry-run"], { cwd: dir }),
    ]);
    expect(snapshotDir(dir)).toEqual(before);
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/Recovery:\s+repair \(dry run\)/);
    expect(human.stdout).toMatch(/Would drop:\s+3 damaged, 0 by retention/);
    expect(human.stdout).toContain("Dry run: nothing was changed");
    expect(json.doc).toMatchObject({
      dry_run: true,
      recovery: { dry_run: true, dropped_damaged: 3, repaired_files: [join(dir, "papyra.ndjson")] },
    });

    // The real run does what the dry run said.
    const real = await papyraJson(["persistence", "recover"], { cwd: dir });
    expect(real.code).toBe(0);
    expect(real.doc).toMatchObject({
      recovery: {
        dry_run: false,
        dropped_damaged: 3,
        repaired_files: [join(dir, "papyra.ndjson")],
      },
    });
  });

  it("quarantine dry run names where the copy would go and creates no quarantine directory", async () => {
    const dir = tempProject();
    damagedStore(dir);
    const before = snapshotDir(dir);
    const { code, doc } = await papyraJson(
      ["persistence", "recover", "--mode", "quarantine", "--quarantine-dir", "q", "--dry-run"],
      { cwd: dir },
    );
    expect(code).toBe(2);
    expect(snapshotDir(dir)).toEqual(before);
    const quarantined = (doc.recovery as { quarantined_files: string[] }).quarantined_files;
    expect(quarantined).toEqual([join(dir, "q", "quarantined-<time>-<random>-papyra.ndjson")]);
  });

  it("on data that is not a store the dry run says what the real run would: exit 65", async () => {
    const dir = tempProject({ "notes.txt": PASSWD_TEXT });
    const before = snapshotDir(dir);
    const { code, stderr } = await papyra(
      ["persistence", "recover", "--path", "notes.txt", "--dry-run"],
      { cwd: dir },
    );
    expect(code).toBe(65);
    expect(stderr).toMatch(/does not look like a Papyra store/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it("takes no lock and leaves a stale lock of a crashed writer where it is", async () => {
    const dir = tempProject();
    damagedStore(dir);
    const stale = JSON.stringify({
      pid: 2 ** 22 + 17,
      hostname: hostname(),
      acquiredAt: 1,
      token: "t",
    });
    writeFileSync(join(dir, ".papyra.ndjson.lock"), stale);
    const before = snapshotDir(dir);
    const { code } = await papyra(["persistence", "recover", "--dry-run"], { cwd: dir });
    expect(code).toBe(2);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe("persistence compact --dry-run", () => {
  it("reports the same figures as the real compaction, changing nothing", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), records);
    const before = snapshotDir(dir);
    const flags = ["--json-retention-max-records", "5"];
    const [human, dry] = await Promise.all([
      papyra(["persistence", "compact", "--dry-run", ...flags], { cwd: dir }),
      papyraJson(["persistence", "compact", "--dry-run", ...flags], { cwd: dir }),
    ]);
    expect(snapshotDir(dir)).toEqual(before);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Records:\s+12 -> 5 \(7 would be removed\)/);
    expect(human.stdout).toContain("Dry run: nothing was changed");
    const real = await papyraJson(["persistence", "compact", ...flags], { cwd: dir });
    const { dry_run: dryFlag, ...dryFigures } = dry.doc.compaction as Record<string, unknown>;
    const { dry_run: realFlag, ...realFigures } = real.doc.compaction as Record<string, unknown>;
    expect([dryFlag, realFlag]).toEqual([true, false]);
    expect(dryFigures).toEqual(realFigures);
    expect(realFigures).toMatchObject({ removed_records: 7 });
  });

  it("works the same on a rotating store", async () => {
    const cwd = tempProject({
      "papyra.config.json": JSON.stringify({
        backend: "rotating",
        options: {
          path: "logs/app.log",
          maxBytes: 600,
          maxFiles: 10,
          retention: { maxRecords: 3 },
        },
      }),
    });
    mkdirSync(join(cwd, "logs"));
    const lines = ndjson(records).split("\n").filter(Boolean);
    for (let i = 0; i < 4; i++) {
      const name = i === 0 ? "app.log" : `app.log.${i}`;
      writeFileSync(join(cwd, "logs", name), `${lines.slice(9 - i * 3, 12 - i * 3).join("\n")}\n`);
    }
    const before = snapshotDir(cwd);
    const [compact, recover] = await Promise.all([
      papyraJson(["persistence", "compact", "--dry-run"], { cwd }),
      papyraJson(["persistence", "recover", "--dry-run"], { cwd }),
    ]);
    expect(snapshotDir(cwd)).toEqual(before);
    expect(compact.doc.compaction).toMatchObject({ dry_run: true, removed_records: 9 });
    expect(recover.code).toBe(0);
    expect(readdirSync(join(cwd, "logs")).sort()).toEqual([
      "app.log",
      "app.log.1",
      "app.log.2",
      "app.log.3",
    ]);
  });
});
