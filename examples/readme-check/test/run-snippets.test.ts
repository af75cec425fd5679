// Runs every README snippet marked `<!-- readme-check: run PATH -->` the way a reader would:
// saved as an .mjs file and run with `node` (no TypeScript toolchain) in a fresh directory, one
// README's snippets in order, against the built workspace packages. A snippet that uses
// TypeScript-only syntax (`await using`, type annotations) fails here with a SyntaxError.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

type Snippet = { readme: string; path: string; code: string };

const here = join(import.meta.dirname, "..");
const snippets = JSON.parse(
  readFileSync(join(here, "generated", "runnable.json"), "utf8"),
) as Snippet[];
const readmes = [...new Set(snippets.map((snippet) => snippet.readme))];
const directories: string[] = [];

afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

it("finds the runnable snippets of every README that has them", () => {
  expect(readmes).toEqual(
    expect.arrayContaining([
      "README.md",
      "packages/backend-json/README.md",
      "packages/backend-memory/README.md",
      "packages/backend-rotating/README.md",
    ]),
  );
});

describe.each(readmes)("%s, as .mjs on node", (readme) => {
  // One directory per README: its later snippets read what the earlier ones wrote.
  const dir = mkdtempSync(join(tmpdir(), "papyra-readme-"));
  directories.push(dir);
  symlinkSync(join(here, "node_modules"), join(dir, "node_modules"), "dir");

  it.each(snippets.filter((snippet) => snippet.readme === readme).map((s) => [s.path, s]))(
    "%s runs and exits 0",
    (_path, snippet) => {
      const file = join(dir, `${snippet.path.replaceAll("/", "-").replace(/\.ts$/, "")}.mjs`);
      writeFileSync(file, snippet.code);
      const result = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    },
    120_000,
  );
});
