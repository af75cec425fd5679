import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRotatingStore } from "../src/index.js";
import { makeTempDir, removeDir } from "./helpers.js";

/** Damage done to one segment's lines (before any truncation). */
type Damage =
  | { type: "garbage"; at: number; text: string }
  | { type: "invalid_utf8"; at: number }
  | { type: "blank"; at: number }
  | { type: "not_a_record"; at: number }
  | { type: "flip"; line: number; byte: number };

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({
    type: fc.constant("garbage" as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 40 }).filter((t) => !t.includes("\n")),
  }),
  fc.record({ type: fc.constant("invalid_utf8" as const), at: fc.nat() }),
  fc.record({ type: fc.constant("blank" as const), at: fc.nat() }),
  fc.record({ type: fc.constant("not_a_record" as const), at: fc.nat() }),
  fc.record({ type: fc.constant("flip" as const), line: fc.nat(), byte: fc.nat() }),
);

const storeArb = fc.record({
  /** Records per segment, oldest segment first; the last one is the active segment. */
  segments: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 }),
  damage: fc.array(fc.tuple(fc.nat(), damageArb), { maxLength: 8 }),
  /** Cut the active segment this many bytes short of its end (a torn tail). */
  cut: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
});

interface Line {
  bytes: Buffer;
  /** The record id when the line is (still) a valid record. */
  id: number | null;
}

function recordLine(id: number): Buffer {
  const record = {
    kind: "event",
    system_id: "prop",
    actor_address: "prop:a",
    event_type: "Tick",
    payload: { id, text: "é✓".repeat(id % 5) },
    timestamp: 1_700_000_000 + id,
  };
  return Buffer.from(JSON.stringify(record), "utf8");
}

describe("property: recovery of randomly damaged rotation sets", () => {
  let root: string;
  beforeAll(async () => {
    root = await makeTempDir("papyra-rot-prop-");
  });
  afterAll(async () => {
    await removeDir(root);
  });

  it("keeps every valid record in order, drops only damage, and scans clean afterwards (refusing, untouched, segments that are mostly not records unless forced)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(storeArb, async ({ segments, damage, cut }) => {
        const dir = join(root, `run-${run++}`);
        await mkdir(dir);
        const path = join(dir, "store.log");
        let nextId = 0;
        const files: Line[][] = segments.map((count) =>
          Array.from({ length: count }, () => {
            const id = nextId++;
            return { bytes: recordLine(id), id };
          }),
        );
        for (const [which, d] of damage) {
          const lines = files[which % files.length] as Line[];
          if (d.type === "flip") {
            const line = lines[d.line % Math.max(1, lines.length)];
            if (!line || line.bytes.length === 0) continue;
            const bytes = Buffer.from(line.bytes);
            bytes[d.byte % bytes.length] = 0xff; // never valid UTF-8: the line is damaged
            lines[d.line % lines.length] = { bytes, id: null };
            continue;
          }
          const bytes =
            d.type === "garbage"
              ? Buffer.from(`!${d.text}`, "utf8")
              : d.type === "invalid_utf8"
                ? Buffer.from([0x7b, 0xc3, 0x28, 0x7d])
                : d.type === "blank"
                  ? Buffer.alloc(0)
                  : Buffer.from('{"timestamp": 1, "no": "kind"}');
          lines.splice(d.at % (lines.length + 1), 0, { bytes, id: null });
        }
        const maxFiles = files.length + 1;
        const contents: Buffer[] = files.map((lines) =>
          Buffer.concat(lines.flatMap((l) => [l.bytes, Buffer.from("\n")])),
        );
        let active = contents.at(-1) as Buffer;
        const activeLines = files.at(-1) as Line[];
        if (cut !== undefined && cut < active.length) {
          active = active.subarray(0, active.length - cut);
          // Lines wholly before the cut survive; a record cut exactly at its newline is complete.
          let offset = 0;
          for (const line of activeLines) {
            if (offset + line.bytes.length > active.length) line.id = null;
            offset += line.bytes.length + 1;
          }
          contents[contents.length - 1] = active;
        }
        for (const [i, content] of contents.entries()) {
          const index = contents.length - 1 - i;
          await writeFile(index === 0 ? path : `${path}.${index}`, content);
        }
        const expected = files.flatMap((lines) =>
          lines.filter((l) => l.id !== null).map((l) => l.id),
        );
        // SPEC §9, per segment: repair is owed when no segment has more damaged lines than
        // records (or damage without records); it must refuse when an uncut segment has
        // damage and no record. Lines lost to the cut count as damage (an overestimate).
        const judged = files.map((lines, i) => ({
          records: lines.filter((l) => l.id !== null).length,
          damaged: lines.filter((l) => l.id === null && l.bytes.length > 0).length,
          cut: i === files.length - 1 && cut !== undefined,
        }));
        const mustRepair = judged.every(
          (j) => j.damaged === 0 || (j.records > 0 && j.damaged <= j.records),
        );
        const mustRefuse = judged.some((j) => !j.cut && j.records === 0 && j.damaged > 0);
        const segmentPath = (index: number) => (index === 0 ? path : `${path}.${index}`);
        const unchanged = async () => {
          for (const [i, content] of contents.entries()) {
            const now = await readFile(segmentPath(contents.length - 1 - i));
            if (!now.equals(content)) return false;
          }
          return true;
        };

        const store = await openRotatingStore({
          path,
          maxBytes: 100_000,
          maxFiles,
          readOnly: true,
        });
        try {
          const unforced = await store.recover({ mode: "repair" }).catch((e: unknown) => e);
          if ((unforced as { code?: unknown }).code === "PAPYRA_NOT_A_STORE") {
            expect(mustRepair).toBe(false);
            expect(await unchanged()).toBe(true);
          } else {
            expect(mustRefuse).toBe(false);
            expect((unforced as { mode?: unknown }).mode).toBe("repair");
          }
          const report = await store.recover({ mode: "repair", force: true });
          expect(report.scan_after.anomalies).toEqual([]);
          const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
          expect(ids).toEqual(expected);
          expect((await store.scan()).anomalies).toEqual([]);
          const compaction = await store.compact();
          expect(compaction.after_records).toBe(expected.length);
          // Blank lines are kept byte for byte; nothing else but records remains.
          for (let index = 0; index < contents.length; index++) {
            const text = await readFile(index === 0 ? path : `${path}.${index}`, "utf8");
            for (const line of text.split("\n").slice(0, -1)) {
              if (line !== "") expect(JSON.parse(line)).toHaveProperty("kind", "event");
            }
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
