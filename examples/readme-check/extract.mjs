// Writes every README code block marked `<!-- readme-check: PATH -->` to generated/PATH, so
// the examples users copy are type-checked (and their tests run) by this package.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, "..", "..", "README.md"), "utf8");
const pattern = /<!-- readme-check: (\S+) -->\s*```ts\n([\s\S]*?)```/g;
const out = join(here, "generated");
rmSync(out, { recursive: true, force: true });
let count = 0;
for (const [, path, code] of readme.matchAll(pattern)) {
  const target = join(out, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  count += 1;
}
if (count === 0) {
  console.error("readme-check: no marked code blocks found in README.md");
  process.exit(1);
}
console.log(`readme-check: extracted ${count} README examples`);
