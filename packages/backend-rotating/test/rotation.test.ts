import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { open, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { lineBytes } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRotatingStore } from "../src/index.js";
import { event, filesOf, makeTempDir, removeDir } from "./helpers.js";

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

/** Total bytes of the set's segments (sidecars excluded). */
async function setBytes(base: string, maxFiles: number): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const [name, size] of await filesOf(dir, base)) {
    const suffix = name.slice(base.length);
    if (suffix === "" || /^\.\d+$/.test(suffix)) {
      expect(suffix === "" || Number(suffix.slice(1)) < maxFiles).toBe(true);
      bytes += size;
      files += 1;
    }
  }
  return { bytes, files };
}

describe("rotation", () => {
  it("rotates before the write that would pass maxBytes; listings read across segments in order", async () => {
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes: 600, maxFiles: 20 });
    for (let i = 0; i < 30; i++) await store.recordEvent(event(i, 50));
    const files = await filesOf(dir, "app.log");
    expect(files.has("app.log.1")).toBe(true);
    for (const [name, size] of files) {
      if (/^app\.log(\.\d+)?$/.test(name)) expect(size).toBeLessThanOrEqual(600);
    }
    const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
    expect(ids).toEqual([...Array(30).keys()]);
    const newest = (await store.listEvents({ limit: 7, reverse: true })).map(
      (e) => (e.payload as { id: number }).id,
    );
    expect(newest).toEqual([29, 28, 27, 26, 25, 24, 23]);
    // The oldest lines are in the highest-numbered segment, the newest in `path`.
    // Segments only: the store's sidecars never match `app.log*` (SPEC §9).
    const oldest = await readFile(join(dir, `app.log.${files.size - 1}`), "utf8");
    expect(oldest.split("\n")[0]).toContain('"id":0');
    await store.close();
  });

  it("splits one batch across the boundary (group commit still stores every record once)", async () => {
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes: 1000, maxFiles: 50 });
    await Promise.all([...Array(200).keys()].map((i) => store.recordEvent(event(i, 20))));
    const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
    expect(ids).toEqual([...Array(200).keys()]);
    const { files } = await setBytes("app.log", 50);
    expect(files).toBeGreaterThan(5);
    expect((await store.scan()).anomalies).toEqual([]);
    await store.close();
  });

  it("listings racing rotations see every stored record exactly once, in order", async () => {
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes: 1500, maxFiles: 10_000 });
    let next = 0;
    const resolved = new Set<number>();
    const write = async () => {
      const id = next++;
      await store.recordEvent(event(id, 20));
      resolved.add(id);
    };
    let listings = 0;
    const list = async () => {
      const before = new Set(resolved);
      const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
      expect(ids).toEqual([...Array(ids.length).keys()]);
      const seen = new Set(ids);
      expect([...before].filter((id) => !seen.has(id))).toEqual([]);
      listings += 1;
    };
    try {
      // Bounded by counts, not time: 40 rounds of 24 writes (a few rotations each), every
      // round raced by two listings started while its writes are in flight. The store stays
      // small, so a busy machine makes the test slower, never endless.
      for (let round = 0; round < 40; round++) {
        const writes = Array.from({ length: 12 }, write);
        const first = list();
        writes.push(...Array.from({ length: 12 }, write));
        await Promise.all([...writes, first, list()]);
      }
      expect(listings).toBeGreaterThanOrEqual(30);
      expect((await filesOf(dir, "app.log.")).size).toBeGreaterThanOrEqual(15);
      await list();
      expect(resolved.size).toBe(40 * 24);
    } finally {
      await store.close();
    }
  }, 180_000);

  it("a store fed 100 times its capacity never exceeds maxBytes × maxFiles plus one record", async () => {
    const maxBytes = 2000;
    const maxFiles = 4;
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes, maxFiles });
    const record = event(0, 100);
    const recordSize = lineBytes(JSON.stringify({ kind: "event", ...record }));
    const capacity = maxBytes * maxFiles;
    let written = 0;
    let id = 0;
    while (written < capacity * 100) {
      const batch = [...Array(29).keys()].map(() => event(id++, 80 + (id % 40)));
      await Promise.all(batch.map((e) => store.recordEvent(e)));
      written += batch.length * recordSize;
      const { bytes, files } = await setBytes("app.log", maxFiles);
      expect(files).toBeLessThanOrEqual(maxFiles);
      expect(bytes).toBeLessThanOrEqual(capacity + recordSize);
    }
    // The newest records are all there, in order, and the store is clean.
    const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
    expect(ids.at(-1)).toBe(id - 1);
    expect(ids).toEqual([...Array(ids.length).keys()].map((k) => id - ids.length + k));
    expect(ids.length).toBeGreaterThan(((maxFiles - 1) * maxBytes) / (recordSize + 40));
    expect((await store.scan()).anomalies).toEqual([]);
    await store.close();
  }, 60_000);

  it("a record larger than maxBytes gets a segment of its own and the bound still holds", async () => {
    const maxBytes = 1000;
    const maxFiles = 3;
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes, maxFiles });
    const big = event(1, 3000);
    const bigSize = lineBytes(JSON.stringify({ kind: "event", ...big }));
    await store.recordEvent(event(0, 10));
    await store.recordEvent(big);
    expect(await store.listEvents({ limit: 1 })).toEqual([big]);
    for (let i = 2; i < 8; i++) {
      await store.recordEvent(event(i, 3000));
      const { bytes } = await setBytes("app.log", maxFiles);
      expect(bytes).toBeLessThanOrEqual(maxBytes * maxFiles + bigSize);
    }
    expect((await store.listEvents({ limit: 1 }))[0]).toEqual(event(7, 3000));
    expect((await store.scan()).anomalies).toEqual([]);
    await store.close();
  });

  it("reads skip a gap left by a rotation interrupted between two renames, and the next rotation closes it", async () => {
    const path = join(dir, "app.log");
    const line = (id: number) => `${JSON.stringify({ kind: "event", ...event(id) })}\n`;
    await writeFile(`${path}.3`, line(1) + line(2));
    await writeFile(`${path}.1`, line(3));
    await writeFile(path, line(4));
    const store = await openRotatingStore({ path, maxBytes: 400, maxFiles: 4 });
    const ids = async () => (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
    expect(await ids()).toEqual([1, 2, 3, 4]);
    expect((await store.scan()).anomalies).toEqual([]);
    await store.recordEvent(event(5, 300)); // rotates: .1 -> .2, path -> .1
    expect(await ids()).toEqual([1, 2, 3, 4, 5]);
    const segments = [...(await filesOf(dir, "app.log")).keys()].filter((n) =>
      /^app\.log(\.\d+)?$/.test(n),
    );
    expect(segments.sort()).toEqual(["app.log", "app.log.1", "app.log.2", "app.log.3"]);
    await store.close();
  });

  it("a limited listing reads only the newest segments (an older one that cannot be opened is never touched)", async () => {
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes: 400, maxFiles: 6 });
    for (let i = 0; i < 12; i++) await store.recordEvent(event(i, 60));
    await store.close();
    const files = [...(await filesOf(dir, "app.log")).keys()].filter((n) => /\.\d+$/.test(n));
    const oldest = files.sort().at(-1) as string;
    const kept = await readFile(join(dir, oldest));
    await removeDir(join(dir, oldest));
    // A FIFO blocks whoever opens it for reading: if the tail read went that far, it would hang.
    execFileSync("mkfifo", [join(dir, oldest)]);
    try {
      const reader = await openRotatingStore({ path, maxBytes: 400, maxFiles: 6, readOnly: true });
      const newest = await reader.listEvents({ limit: 3 });
      expect(newest.map((e) => (e.payload as { id: number }).id)).toEqual([9, 10, 11]);
      await reader.close();
    } finally {
      const unblock = await open(
        join(dir, oldest),
        constants.O_WRONLY | constants.O_NONBLOCK,
      ).catch(() => null);
      await unblock?.close();
      await removeDir(join(dir, oldest));
      await writeFile(join(dir, oldest), kept);
    }
  });

  it("an incremental scan after a rotation reads only what is new", async () => {
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes: 2000, maxFiles: 10 });
    for (let i = 0; i < 40; i++) await store.recordEvent(event(i, 100));
    const full = await store.scan();
    expect(full.anomalies).toEqual([]);
    await store.recordEvent(event(40, 100));
    for (let i = 41; i < 60; i++) await store.recordEvent(event(i, 100));
    const quick = await store.scan({ incremental: true });
    expect(quick.incremental).toBe(true);
    expect(quick.anomalies).toEqual([]);
    expect(quick.records_scanned).toBe(60);
    const { bytes } = await setBytes("app.log", 10);
    expect(quick.bytes_scanned).toBe(bytes - (full.bytes_scanned ?? 0));
    // Damage before a checkpoint is still found by a full scan.
    const rotated = join(dir, "app.log.2");
    const text = await readFile(rotated, "utf8");
    await store.close();
    await writeFile(rotated, text.replace('"ActorStarted"', '"ActorStarted'));
    const reader = await openRotatingStore({ path, maxBytes: 2000, maxFiles: 10, readOnly: true });
    expect((await reader.scan({ incremental: true })).anomalies).toHaveLength(1);
    expect((await reader.scan()).anomalies[0]).toMatchObject({
      type: "CORRUPTED_LINE",
      path: rotated,
      line: 1,
    });
    await reader.close();
  });
});

describe("directory hygiene", () => {
  it("reports orphaned rotated files and leftovers, never the lock, sidecars or foreign files", async () => {
    const path = join(dir, "app.log");
    const store = await openRotatingStore({ path, maxBytes: 300, maxFiles: 3 });
    for (let i = 0; i < 10; i++) await store.recordEvent(event(i, 40));
    await store.readStoredMetrics(); // writes the metrics sidecar
    await store.scan(); // writes the scan checkpoint sidecar
    const orphanLine = `${JSON.stringify({ kind: "event", ...event(99) })}\n`;
    await writeFile(`${path}.3`, orphanLine);
    await writeFile(`${path}.12`, orphanLine);
    await writeFile(`${path}.1.tmp-123-abcd`, "partial");
    await writeFile(`${path}.old`, "x");
    await writeFile(join(dir, "other.log.5"), "not ours");
    const report = await store.scan();
    const byType = (type: string) =>
      report.anomalies
        .filter((a) => a.type === type)
        .map((a) => a.path)
        .sort();
    expect(byType("ORPHANED_ROTATED_FILE")).toEqual([`${path}.12`, `${path}.3`]);
    expect(byType("UNEXPECTED_FILE")).toEqual([`${path}.1.tmp-123-abcd`, `${path}.old`].sort());
    expect(report.anomalies).toHaveLength(4);
    // Reads ignore the orphans.
    expect((await store.listEvents()).some((e) => (e.payload as { id: number }).id === 99)).toBe(
      false,
    );
    await store.close();
  });

  it("quarantine moves damage, orphans and leftovers out of the scan's reach, then the scan is clean", async () => {
    const path = join(dir, "app.log");
    const quarantineDir = join(dir, "quarantine");
    const store = await openRotatingStore({ path, maxBytes: 300, maxFiles: 3 });
    for (let i = 0; i < 10; i++) await store.recordEvent(event(i, 40));
    await store.close();
    await writeFile(`${path}.7`, "orphan\n");
    await writeFile(`${path}.bak`, "leftover");
    const rotated = `${path}.1`;
    const text = await readFile(rotated, "utf8");
    await writeFile(rotated, `${text}garbage\n`);
    const writer = await openRotatingStore({ path, maxBytes: 300, maxFiles: 3 });
    const before = (await writer.listEvents()).length;
    const report = await writer.recover({ mode: "quarantine", quarantineDir });
    expect(report.scan_before.anomalies.map((a) => a.type).sort()).toEqual(
      ["CORRUPTED_LINE", "ORPHANED_ROTATED_FILE", "UNEXPECTED_FILE"].sort(),
    );
    expect(report.dropped_damaged).toBe(1);
    expect(report.quarantined_files).toHaveLength(3);
    expect(report.scan_after.anomalies).toEqual([]);
    expect((await writer.listEvents()).length).toBe(before);
    const quarantined = await readdir(quarantineDir);
    expect(quarantined).toHaveLength(3);
    expect(quarantined.every((n) => n.startsWith("quarantined-"))).toBe(true);
    await writer.close();
  });

  it("quarantine into the store's own directory still leaves a clean scan (copies never match the set's pattern)", async () => {
    const path = join(dir, "app.log");
    const record = JSON.stringify({ kind: "event", ...event(1) });
    await writeFile(path, `${record}\n{"kind":"event"}\n`);
    const store = await openRotatingStore({ path, maxBytes: 300, maxFiles: 3 });
    const report = await store.recover({ mode: "quarantine", quarantineDir: dir });
    expect(report.quarantined_files).toHaveLength(1);
    expect(report.scan_after.anomalies).toEqual([]);
    expect((await store.scan()).anomalies).toEqual([]);
    await store.close();
  });

  it("quarantine without a directory is a validation error before anything is touched", async () => {
    const path = join(dir, "app.log");
    await writeFile(path, "garbage\n");
    const store = await openRotatingStore({ path, maxBytes: 300, maxFiles: 3 });
    await expect(store.recover({ mode: "quarantine" })).rejects.toMatchObject({
      code: "PAPYRA_VALIDATION",
      message: expect.stringMatching(/quarantineDir/),
    });
    expect(await readFile(path, "utf8")).toBe("garbage\n");
    await store.close();
  });

  it("repair drops only damaged lines and temp leftovers; it never deletes an orphaned segment or a foreign file", async () => {
    const path = join(dir, "app.log");
    // Two records per segment, so two damaged lines in one are damage, not a foreign file.
    const store = await openRotatingStore({ path, maxBytes: 400, maxFiles: 3 });
    for (let i = 0; i < 10; i++) await store.recordEvent(event(i, 40));
    const orphan = `${JSON.stringify({ kind: "event", ...event(99) })}\n`;
    await writeFile(`${path}.4`, orphan);
    await writeFile(`${path}.2.tmp-77-abcdef01`, "half a rewrite");
    await writeFile(`${path}.notes`, "someone's file");
    const rotated = `${path}.2`;
    const lines = (await readFile(rotated, "utf8")).split("\n");
    lines.splice(1, 0, '{"no_kind": true}', "\u0000\u0001binary");
    await writeFile(rotated, lines.join("\n"));
    const before = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
    const report = await store.recover({ mode: "repair" });
    expect(report.dropped_damaged).toBe(2);
    expect(report.repaired_files.sort()).toEqual([rotated, `${path}.2.tmp-77-abcdef01`].sort());
    expect(report.scan_after.anomalies.map((a) => [a.type, a.path]).sort()).toEqual(
      [
        ["ORPHANED_ROTATED_FILE", `${path}.4`],
        ["UNEXPECTED_FILE", `${path}.notes`],
      ].sort(),
    );
    expect(report.scan_after.anomalies[0]?.detail).toMatch(/maxFiles 5 or more/);
    expect(await readFile(`${path}.4`, "utf8")).toBe(orphan);
    expect((await store.listEvents()).map((e) => (e.payload as { id: number }).id)).toEqual(before);
    await store.recordEvent(event(100, 40));
    expect((await store.listEvents({ limit: 1 }))[0]).toEqual(event(100, 40));
    // Quarantine moves what repair left, keeping a copy.
    const moved = await store.recover({ mode: "quarantine", quarantineDir: join(dir, "q") });
    expect(moved.quarantined_files).toHaveLength(2);
    expect(moved.scan_after.anomalies).toEqual([]);
    await store.close();
  });
});
