// Writes every README code block marked `<!-- readme-check: PATH -->` to generated/PATH, so
// the examples users copy are type-checked (and their tests run) by this package. Blocks marked
// `<!-- readme-check: run PATH -->` are plain JavaScript as well: they are type-checked the same
// way and listed in generated/runnable.json, whose snippets test/run-snippets.test.ts runs with
// `node` as .mjs files (a README's snippets in order, in one fresh directory, as a reader would).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const readmes = [
  "README.md",
  "packages/backend-json/README.md",
  "packages/backend-memory/README.md",
  "packages/backend-rotating/README.md",
];
const pattern = /<!-- readme-check: (run )?(\S+) -->\s*```(?:ts|js)\n([\s\S]*?)```/g;
const out = join(here, "generated");
rmSync(out, { recursive: true, force: true });
const seen = new Set();
const runnable = [];
for (const readme of readmes) {
  const text = readFileSync(join(root, readme), "utf8");
  for (const [, run, path, code] of text.matchAll(pattern)) {
    if (seen.has(path)) {
      console.error(`readme-check: ${readme} reuses the path ${path}`);
      process.exit(1);
    }
    seen.add(path);
    const target = join(out, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
    if (run) runnable.push({ readme, path, code });
  }
}
if (seen.size === 0) {
  console.error("readme-check: no marked code blocks found in the READMEs");
  process.exit(1);
}
writeFileSync(join(out, "runnable.json"), `${JSON.stringify(runnable, null, 2)}\n`);
console.log(
  `readme-check: extracted ${seen.size} README examples (${runnable.length} runnable as .mjs) from ${readmes.length} READMEs`,
);
