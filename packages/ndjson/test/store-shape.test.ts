import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode, encodeRecord } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compactFile, notAStoreReason, repairFile, scanFile } from "./support/internals.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "papyra-shape-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const record = (id: number) =>
  encodeRecord("event", {
    system_id: "s",
    actor_address: "s:a",
    event_type: "Tick",
    payload: { id },
    timestamp: 1_700_000_000 + id,
  });
const records = (n: number) => Array.from({ length: n }, (_, i) => `${record(i)}\n`).join("");

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => "resolved",
    (error: { code?: unknown }) => error.code,
  );
}

describe("what does not look like a store is never rewritten without force", () => {
  const foreign: [string, Buffer | string, RegExp][] = [
    [
      "a text file",
      "root:x:0:0:root:/root:/bin/bash\nbin:x:2:2::/bin:/sbin/nologin\n",
      /a text file/,
    ],
    [
      "binary data",
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0x0a, 0xff, 0xfe, 0]),
      /binary data/,
    ],
    ["a JSON-lines log", '{"level":"info"}\n{"level":"warn"}\n', /JSON that is not Papyra records/],
    ["minified JSON without a newline", '{"name":"x","version":"1.0.0"}', /JSON that is not/],
    ["mostly damage", `${records(2)}a\nb\nc\n`, /3 lines are damaged against 2 records/],
  ];
  for (const [what, content, looks] of foreign) {
    it(`${what}: repair, quarantine and compaction refuse (PAPYRA_NOT_A_STORE), changing nothing`, async () => {
      const path = join(dir, "file");
      await writeFile(path, content);
      const before = await readFile(path);
      const q = join(dir, "q");
      expect(await codeOf(repairFile(path))).toBe(ErrorCode.notAStore);
      expect(await codeOf(repairFile(path, { quarantineDir: q }))).toBe(ErrorCode.notAStore);
      expect(await codeOf(repairFile(path, { dryRun: true }))).toBe(ErrorCode.notAStore);
      expect(await codeOf(compactFile(path, { maxRecords: 1 }))).toBe(ErrorCode.notAStore);
      const error = await repairFile(path).catch((e: Error) => e);
      expect((error as Error).message).toMatch(looks);
      expect((error as Error).message).toContain(path);
      expect((await readFile(path)).equals(before)).toBe(true);
      expect(await readdir(dir)).toEqual(["file"]);
      const forced = await repairFile(path, { force: true });
      expect(forced.changed).toBe(true);
      expect(forced.droppedDamaged).toBeGreaterThan(0);
    });
  }

  it("damage in a store is repaired: a torn tail, a few bad lines among records, a torn first write", async () => {
    const path = join(dir, "store");
    for (const content of [
      `${records(1)}{"kind":"event","sys`,
      `${records(5)}garbage\n${records(5)}{"broken"\n`,
      '{"kind":"event","system_id":"s","actor',
      `${records(3)}${"\u0000".repeat(4096)}`, // a power loss's zero-filled tail: one line
    ]) {
      await writeFile(path, content);
      const result = await repairFile(path);
      expect(result.changed).toBe(true);
      expect((await scanFile(path)).anomalyCount).toBe(0);
    }
  });

  it("a file of nothing but NUL bytes is binary data: refused unless forced (a store a power cut left empty is repaired with force)", async () => {
    const path = join(dir, "store");
    for (const content of [
      "\u0000".repeat(4096),
      `${"\u0000".repeat(600)}\n${"\u0000".repeat(9)}\n`,
    ]) {
      await writeFile(path, content);
      expect(await codeOf(repairFile(path))).toBe(ErrorCode.notAStore);
      expect(await readFile(path, "utf8")).toBe(content);
      const forced = await repairFile(path, { force: true });
      expect(forced.changed).toBe(true);
      expect(await readFile(path, "utf8")).toBe("");
    }
  });

  it("what a power cut leaves is repaired, not refused: zeros among records, a torn first write a writer sealed", async () => {
    const path = join(dir, "store");
    for (const content of [
      `${"\u0000".repeat(600)}\n${records(1)}`,
      '{"kind":"event","system_id":"s","act\n', // torn, then ended by the writer's reopen
      `{"kind":"event","sys\n${records(1)}{"kind":"ev`,
    ]) {
      await writeFile(path, content);
      const result = await repairFile(path);
      expect(result.changed).toBe(true);
      expect((await scanFile(path)).anomalyCount).toBe(0);
    }
  });

  it("more than one sealed fragment and no record is still not a store", async () => {
    const path = join(dir, "store");
    await writeFile(path, '{"a":\n{"b":\n');
    expect(await codeOf(repairFile(path))).toBe(ErrorCode.notAStore);
  });

  it("the rule, on counts", () => {
    const shape = { records: 0, damaged: 0, binary: 0, json: 0, tornTail: false };
    expect(notAStoreReason(shape)).toBeNull();
    expect(notAStoreReason({ ...shape, tornTail: true })).toBeNull();
    expect(notAStoreReason({ ...shape, records: 3, damaged: 3 })).toBeNull();
    expect(notAStoreReason({ ...shape, records: 3, damaged: 4 })).toMatch(/most of it/);
    expect(notAStoreReason({ ...shape, damaged: 1 })).toMatch(/no line of it is a record/);
  });
});

describe("dry runs", () => {
  it("repairFile and compactFile report exactly what they would do and write nothing", async () => {
    const path = join(dir, "store");
    const content = `${records(6)}junk\n${records(2)}{"kind":"ev`;
    await writeFile(path, content);
    const q = join(dir, "q");
    const dry = await repairFile(path, { dryRun: true, quarantineDir: q });
    expect(await readdir(dir)).toEqual(["store"]);
    expect((await readFile(path, "utf8")) === content).toBe(true);
    expect(dry.quarantinedTo).toBe(join(q, "quarantined-<time>-<random>-store"));
    const real = await repairFile(path, { quarantineDir: q });
    expect({ ...dry, quarantinedTo: null }).toEqual({ ...real, quarantinedTo: null });
    expect(real.bytesAfter).toBe((await readFile(path)).length);

    const dryCompaction = await compactFile(path, { maxRecords: 3 }, { dryRun: true });
    expect((await readdir(dir)).sort()).toEqual(["q", "store"]);
    expect(await compactFile(path, { maxRecords: 3 })).toEqual(dryCompaction);
    expect(dryCompaction).toMatchObject({ beforeRecords: 8, afterRecords: 3, removedRecords: 5 });
  });
});
