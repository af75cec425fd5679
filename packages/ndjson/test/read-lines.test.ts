import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RawLine, readLinesBackward } from "./support/internals.js";
import { readLines } from "./support/read-lines.js";

/** The reference: split on \n; a trailing newline ends the last line instead of starting one. */
function reference(content: Buffer, max: number) {
  const out: { text: string | null; offset: number; length: number; terminated: boolean }[] = [];
  let start = 0;
  while (start < content.length) {
    const nl = content.indexOf(0x0a, start);
    const end = nl === -1 ? content.length : nl;
    const length = end - start;
    out.push({
      text: length > max ? null : content.subarray(start, end).toString("latin1"),
      offset: start,
      length,
      terminated: nl !== -1,
    });
    start = end + 1;
  }
  return out;
}

const view = (l: RawLine) => ({
  text: l.bytes === null ? null : l.bytes.toString("latin1"),
  offset: l.offset,
  length: l.length,
  terminated: l.terminated,
});

describe("line readers", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "papyra-ndjson-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("forward and backward readers agree with a plain split for any bytes, chunk size and line cap", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant(0x0a), fc.integer({ min: 0, max: 255 })), { maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        async (bytes, chunkSize, maxLineBytes) => {
          const content = Buffer.from(bytes);
          const path = join(dir, `f${n++}`);
          await writeFile(path, content);
          const expected = reference(content, maxLineBytes);
          const forward: RawLine[] = [];
          for await (const line of readLines(path, { chunkSize, maxLineBytes })) forward.push(line);
          expect(forward.map(view)).toEqual(expected);
          expect(forward.map((l) => l.line)).toEqual(expected.map((_, i) => i + 1));
          const backward: RawLine[] = [];
          for await (const line of readLinesBackward(path, { chunkSize, maxLineBytes }))
            backward.push(line);
          expect(backward.map(view)).toEqual([...expected].reverse());
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a line far over the cap is reported by length without being held", async () => {
    const path = join(dir, "huge");
    await writeFile(
      path,
      Buffer.concat([Buffer.from("a\n"), Buffer.alloc(5_000_000, 0x61), Buffer.from("\nb\n")]),
    );
    const lines: RawLine[] = [];
    for await (const line of readLines(path, { maxLineBytes: 1024 })) lines.push(line);
    expect(lines.map(view)).toEqual([
      { text: "a", offset: 0, length: 1, terminated: true },
      { text: null, offset: 2, length: 5_000_000, terminated: true },
      { text: "b", offset: 5_000_003, length: 1, terminated: true },
    ]);
  });

  it("the tail reader reads only what is consumed", async () => {
    const path = join(dir, "tail");
    await writeFile(path, Array.from({ length: 100_000 }, (_, i) => `line ${i}\n`).join(""));
    const seen: string[] = [];
    for await (const line of readLinesBackward(path, { chunkSize: 4096 })) {
      seen.push(String(line.bytes));
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(["line 99999", "line 99998", "line 99997"]);
  });
});
