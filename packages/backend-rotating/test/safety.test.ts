import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRotatingStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await makeTempDir("papyra-rot-safety-");
  path = join(dir, "app.log");
});
afterEach(() => removeDir(dir));

const line = (id: number) => `${JSON.stringify({ kind: "event", ...event(id) })}\n`;
const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => line(from + i)).join("");

async function listing(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    out[name] = (await readFile(join(dir, name))).toString("base64");
  }
  return out;
}

const open = (readOnly = true) =>
  openRotatingStore({
    path,
    maxBytes: 10_000,
    maxFiles: 4,
    readOnly,
    retention: { maxRecords: 4 },
  });

describe("the rotating store on a location without a store", () => {
  it("no active file and no segment: a read-only open is PAPYRA_NOT_FOUND and creates nothing", async () => {
    await writeFile(`${path}.lock`, "{}"); // a sidecar is not a store
    await expect(open()).rejects.toMatchObject({ code: ErrorCode.notFound, location: path });
    expect(await readdir(dir)).toEqual(["app.log.lock"]);
  });

  it("a rotated segment without the active file is a store", async () => {
    await writeFile(`${path}.2`, lines(1, 3));
    await using store = await open();
    expect((await store.listEvents()).length).toBe(3);
  });
});

describe("segments that are not a store are never rewritten without force", () => {
  it("one foreign segment refuses the whole recovery before any segment changes; force repairs", async () => {
    await writeFile(`${path}.3`, lines(1, 4));
    await writeFile(
      `${path}.2`,
      "root:x:0:0:root:/root:/bin/bash\nbin:x:2:2::/bin:/sbin/nologin\n",
    );
    await writeFile(`${path}.1`, `${lines(5, 8)}garbage\n`); // real damage, repaired when allowed
    await writeFile(path, lines(9, 10));
    const before = await listing();
    {
      await using store = await open();
      const refused = await store.recover({ mode: "repair" }).catch((e: Error) => e);
      expect(refused).toMatchObject({ code: ErrorCode.notAStore, location: `${path}.2` });
      expect((refused as Error).message).toMatch(/looks like a text file/);
      await expect(store.compact()).rejects.toMatchObject({ code: ErrorCode.notAStore });
    }
    expect(await listing()).toEqual(before);
    await using store = await open();
    const forced = await store.recover({ mode: "repair", force: true });
    expect(forced.dropped_damaged).toBe(3);
    expect(forced.scan_after.anomalies).toEqual([]);
  });
});

describe("dry runs", () => {
  it("recover (quarantine) and compact report what they would do and change no file", async () => {
    await writeFile(`${path}.2`, lines(1, 4));
    await writeFile(`${path}.1`, `${lines(5, 8)}garbage\n`);
    await writeFile(path, lines(9, 10));
    await writeFile(join(dir, ".app.log.1.tmp-999999-abcdef01"), "half a rewrite");
    await writeFile(`${path}.7`, lines(20, 20)); // an orphan
    const before = await listing();
    await using store = await open();
    const q = join(dir, "q");
    const recovery = await store.recover({ mode: "quarantine", quarantineDir: q, dryRun: true });
    expect(recovery).toMatchObject({ dry_run: true, dropped_damaged: 1 });
    expect(recovery.repaired_files.sort()).toEqual(
      [`${path}.1`, `${path}.7`, join(dir, ".app.log.1.tmp-999999-abcdef01")].sort(),
    );
    expect(recovery.quarantined_files).toContain(join(q, "quarantined-<time>-<random>-app.log.1"));
    expect(await listing()).toEqual(before);
    await expect(store.compact({ dryRun: true })).rejects.toMatchObject({
      code: ErrorCode.damaged,
    });
    await store.recover({ mode: "repair" });
    const clean = await listing();
    const dry = await store.compact({ dryRun: true });
    expect(await listing()).toEqual(clean);
    expect({ ...dry, dry_run: false }).toEqual(await store.compact());
    expect(dry.removed_records).toBe(6);
  });
});

describe("temp files of rewrites under either name", () => {
  it("are reported, removed by repair and by a writer's open; other dot-files are not the set's", async () => {
    await writeFile(path, lines(1, 2));
    await writeFile(join(dir, ".app.log.2.tmp-999999-abcdef01"), "x");
    await writeFile(join(dir, "app.log.tmp-999999-abcdef01"), "x");
    await writeFile(join(dir, ".app.log.swp"), "an editor's file");
    {
      await using store = await open();
      const scan = await store.scan();
      expect(scan.anomalies.map((a) => [a.type, a.path]).sort()).toEqual(
        [
          ["UNEXPECTED_FILE", join(dir, ".app.log.2.tmp-999999-abcdef01")],
          ["UNEXPECTED_FILE", join(dir, "app.log.tmp-999999-abcdef01")],
        ].sort(),
      );
      await store.recover({ mode: "repair" });
    }
    expect((await readdir(dir)).filter((n) => n.includes("tmp"))).toEqual([]);
    await writeFile(join(dir, ".app.log.tmp-999999-abcdef01"), "x");
    const writer = await open(false);
    expect((await readdir(dir)).filter((n) => n.includes("tmp"))).toEqual([]);
    await writer.close();
    expect(await readdir(dir)).toContain(".app.log.swp");
  });

  it("a writer migrates first-release sidecars; nothing but segments matches app.log*", async () => {
    await writeFile(path, lines(1, 2));
    await writeFile(
      `${path}.metrics.json`,
      JSON.stringify({ counters: { records_written: 2 }, since: null, generation: 0 }),
    );
    const writer = await open(false);
    await writer.recordEvent(event(3));
    expect((await writer.readStoredMetrics()).counters.records_written).toBe(3);
    await writer.close();
    expect((await readdir(dir)).filter((n) => n.startsWith("app.log"))).toEqual(["app.log"]);
  });
});
