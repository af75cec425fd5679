// Writes the TypeScript examples of docs/operators.md (blocks marked `<!-- check: ts NAME -->`)
// and of packages/opentelemetry/README.md (marked `<!-- example: NAME -->`) to dist/examples/,
// where tsc type-checks them and the tests run them. dist/ is ignored by git and biome.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const sources = [
  [join(root, "docs", "operators.md"), /<!-- check: ts (\S+) -->\s*```ts\n([\s\S]*?)```/g],
  [
    join(root, "packages", "opentelemetry", "README.md"),
    /<!-- example: (\S+) -->\s*```ts\n([\s\S]*?)```/g,
  ],
];
const out = join(here, "dist", "examples");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [file, pattern] of sources) {
  let count = 0;
  for (const [, name, code] of readFileSync(file, "utf8").matchAll(pattern)) {
    writeFileSync(join(out, name), code);
    count += 1;
  }
  if (count === 0) {
    console.error(`operators-guide: no TypeScript example found in ${file}`);
    process.exit(1);
  }
}
console.log(`operators-guide: extracted the TypeScript examples to ${out}`);
