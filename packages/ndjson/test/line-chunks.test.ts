import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RetentionPlanner, type RetentionPolicy } from "@papyra/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compactFile,
  decodeLineBytes,
  forEachLine,
  type RawLine,
  rewriteKeeping,
  scanFile,
} from "./support/internals.js";
import { readLines } from "./support/read-lines.js";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "papyra-ndjson-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const record = (kind: string, ts: number, extra = "") =>
  `{"kind":"${kind}","system_id":"s","actor_address":"a","event_type":"E","payload":{"n":"${extra}"},"timestamp":${ts}}`;

/** Pieces that make interesting files: records, blanks, a BOM, invalid UTF-8, multi-byte text. */
const piece = fc.oneof(
  fc.constant(Buffer.from("\n")),
  fc.constant(Buffer.from(`${record("event", 1, "é✓")}\n`)),
  fc.constant(Buffer.from(`\ufeff${record("event", 2)}\n`)),
  fc.constant(Buffer.from(`${record("future_kind", 3)}\n`)),
  fc.constant(Buffer.from("   \n")),
  fc.constant(Buffer.from([0xc3, 0x28, 0x0a])), // invalid UTF-8
  fc.constant(Buffer.from([0xe2, 0x9c])), // half of a 3-byte character
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
);

describe("forEachLine", () => {
  it("yields the same lines, positions and decoding as readLines + decodeLineBytes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 400 }),
        async (pieces, chunkSize, maxLineBytes) => {
          const path = join(dir, `f${n++}`);
          await writeFile(path, Buffer.concat(pieces));
          const expected: unknown[] = [];
          for await (const raw of readLines(path, { chunkSize: 7, maxLineBytes })) {
            expected.push(summary(raw, decodeLineBytes(raw.bytes)));
          }
          const seen: unknown[] = [];
          await forEachLine(path, { chunkSize, maxLineBytes }, (view) => {
            const bytes = view.bytes();
            seen.push(
              summary(
                {
                  bytes: bytes && Buffer.from(bytes),
                  line: view.line,
                  offset: view.offset,
                  length: view.length,
                  terminated: view.terminated,
                  oversized: view.oversized,
                },
                view.decode(),
              ),
            );
          });
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function summary(raw: RawLine, decoded: unknown) {
  return {
    text: raw.bytes === null ? null : raw.bytes.toString("latin1"),
    line: raw.line,
    offset: raw.offset,
    length: raw.length,
    terminated: raw.terminated,
    decoded,
  };
}

describe("compactFile", () => {
  it("keeps exactly what a decoding second pass keeps (blank lines, unknown kinds, age and count rules)", async () => {
    const policies: RetentionPolicy[] = [
      { maxRecords: 3 },
      { maxAgeSeconds: 50 },
      { maxTotalBytes: 600, maxRecords: 5 },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constant(""),
            fc.record({
              kind: fc.constantFrom("event", "event", "later_kind", "other_kind"),
              ts: fc.integer({ min: 0, max: 100 }),
            }),
          ),
          { maxLength: 30 },
        ),
        fc.constantFrom(...policies),
        async (items, policy) => {
          const lines = items.map((item) =>
            typeof item === "string" ? item : record(item.kind, item.ts),
          );
          const content = lines.map((l) => `${l}\n`).join("");
          const a = join(dir, `a${n++}`);
          const b = join(dir, `b${n++}`);
          await writeFile(a, content);
          await writeFile(b, content);
          const result = await compactFile(a, policy, { now: 100 });
          // The reference: plan with one pass, keep with a second pass that decodes every line.
          const planner = new RetentionPlanner(policy, 100);
          await scanFile(b, { onRecord: (info) => planner.observe(info) });
          const reference = await rewriteKeeping(b, { keep: (info) => planner.keep(info) });
          expect(await readFile(a, "utf8")).toBe(await readFile(b, "utf8"));
          expect(result.afterRecords).toBe(reference.recordsAfter);
          expect(result.removedRecords).toBe(reference.droppedByRetention);
        },
      ),
      { numRuns: 150 },
    );
  });
});
