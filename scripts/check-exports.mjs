// Fails when a publishable package's `exports`, `bin`, `main` or `types` names a file the build
// did not produce. Run after `pnpm build`.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const roots = ["packages", "apps"];
const problems = [];
let checked = 0;

function targets(value, out = []) {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object")
    for (const v of Object.values(value)) targets(v, out);
  return out;
}

for (const root of roots) {
  if (!existsSync(root)) continue;
  for (const dir of readdirSync(root)) {
    const pkgPath = join(root, dir, "package.json");
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
    if (pkg.private) continue;
    const files = [
      ...targets(pkg.exports),
      ...targets(pkg.bin),
      ...(pkg.main ? [pkg.main] : []),
      ...(pkg.types ? [pkg.types] : []),
    ];
    for (const file of files) {
      if (file.includes("*")) continue;
      checked += 1;
      if (!existsSync(join(root, dir, file))) problems.push(`${pkg.name}: ${file} does not exist`);
    }
  }
}

if (problems.length) {
  console.error(`exports check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`exports check: ${checked} entry points exist`);
