import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeLine, encodeRecord } from "@papyra/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The oracle: core's classification of a line's bytes (invalid UTF-8 is damage). */
function classify(bytes: Buffer): "record" | "blank" | "damage" {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return "damage";
  }
  const decoded = decodeLine(text);
  if (decoded.type === "record" || decoded.type === "unknown_kind") return "record";
  return decoded.type === "blank" ? "blank" : "damage";
}

/** True when `text` holds a C0 control character other than tab, CR and form feed, or DEL. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0c && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/**
 * The damaged lines that count against a file looking like a store (SPEC §9), as the store
 * judges them: lines of NUL bytes (what a power cut leaves) do not count, nor does one torn
 * fragment (text starting with `{` that is not JSON) where an append was cut and a writer's
 * reopen sealed it, nor an unterminated torn last line.
 */
function countedDamage(
  lines: readonly { bytes: Buffer; terminated: boolean }[],
): { bytes: Buffer; terminated: boolean }[] {
  let tornSeen = false;
  return lines.filter((line) => {
    let text: string | null;
    try {
      text = utf8.decode(line.bytes);
    } catch {
      text = null;
    }
    const kind = classify(line.bytes);
    if (kind === "record" || kind === "blank") return false;
    if (text !== null && text.length > 0 && /^\0+$/.test(text)) return false;
    if (text === null || hasControlCharacter(text)) return true;
    const torn = decodeLine(text).type === "corrupt" && text.trimStart().startsWith("{");
    if (torn && (!line.terminated || !tornSeen)) {
      tornSeen = true;
      return false;
    }
    return true;
  });
}

function splitLines(content: Buffer): { bytes: Buffer; terminated: boolean }[] {
  const lines: { bytes: Buffer; terminated: boolean }[] = [];
  let start = 0;
  for (;;) {
    const nl = content.indexOf(0x0a, start);
    if (nl === -1) {
      if (start < content.length) lines.push({ bytes: content.subarray(start), terminated: false });
      return lines;
    }
    lines.push({ bytes: content.subarray(start, nl), terminated: true });
    start = nl + 1;
  }
}

type Damage =
  | { type: "garbage"; at: number; text: string }
  | { type: "flip"; at: number; offset: number; xor: number }
  | { type: "invalid-utf8"; at: number }
  | { type: "blank"; at: number };

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({
    type: fc.constant("garbage" as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("  ", "\t", "{}", "null", '{"kind":"event"}'),
    ),
  }),
  fc.record({
    type: fc.constant("flip" as const),
    at: fc.nat(),
    offset: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ type: fc.constant("invalid-utf8" as const), at: fc.nat() }),
  fc.record({ type: fc.constant("blank" as const), at: fc.nat() }),
);

describe("recovery of randomly damaged stores (property)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => removeDir(dir));

  it("keeps every valid record in order, byte for byte, and the scan after is clean (refusing, untouched, what is mostly not records unless forced)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.nat({ max: 1000 }), fc.constant(-1)), { minLength: 0, maxLength: 30 }),
        fc.array(damageArb, { maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (ids, damages, truncateAt) => {
          const lines: Buffer[] = ids.map((id) =>
            Buffer.from(
              id < 0
                ? `{"kind":"future_kind","timestamp":1,"x":"✓"}`
                : encodeRecord("event", event(id)),
            ),
          );
          for (const damage of damages) {
            const at = lines.length === 0 ? 0 : damage.at % (lines.length + 1);
            if (damage.type === "garbage")
              lines.splice(at, 0, Buffer.from(damage.text.replace(/\n/g, " ")));
            else if (damage.type === "invalid-utf8")
              lines.splice(at, 0, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]));
            else if (damage.type === "blank") lines.splice(at, 0, Buffer.alloc(0));
            else if (lines.length > 0) {
              const target = lines[at % lines.length] as Buffer;
              if (target.length > 0) {
                const i = damage.offset % target.length;
                const flipped = (target[i] as number) ^ damage.xor;
                if (flipped !== 0x0a) target[i] = flipped;
              }
            }
          }
          let content = Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")]));
          if (truncateAt !== undefined && content.length > 0)
            content = content.subarray(0, truncateAt % content.length);

          // Kept: every record line and every blank line; an unterminated last line only when
          // it holds a complete record (repair adds its newline).
          const expected = splitLines(content)
            .filter((l) =>
              l.terminated ? classify(l.bytes) !== "damage" : classify(l.bytes) === "record",
            )
            .map((l) => l.bytes.toString("latin1"));

          // Whether the file looks like a store (SPEC §9): repair is owed when records are at
          // least as many as damaged lines (as the store counts them); with no record and a
          // counted damaged complete line it must refuse. In between (an unterminated last
          // line) either is allowed.
          const all = splitLines(content);
          const records = all.filter((l) => classify(l.bytes) === "record").length;
          const damaged = countedDamage(all);
          const mustRepair = records > 0 && damaged.length <= records;
          const mustRefuse = records === 0 && damaged.some((l) => l.terminated);

          const path = join(dir, `store-${run++}.ndjson`);
          await writeFile(path, content);
          await using store = await openJsonStore({ path, readOnly: true });
          const unforced = await store.recover({ mode: "repair" }).catch((e: unknown) => e);
          if ((unforced as { code?: unknown }).code === "PAPYRA_NOT_A_STORE") {
            expect(mustRepair).toBe(false);
            expect((await readFile(path)).equals(content)).toBe(true);
          } else {
            expect(mustRefuse).toBe(false);
            expect((unforced as { mode?: unknown }).mode).toBe("repair");
          }
          const report = await store.recover({ mode: "repair", force: true });
          expect(report.scan_after.anomalies).toEqual([]);
          const after = splitLines(await readFile(path));
          expect(after.every((l) => l.terminated)).toBe(true);
          expect(after.map((l) => l.bytes.toString("latin1"))).toEqual(expected);
          expect((await store.scan()).anomalies).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
