// Lints what each publishable package would publish: `publint --strict` (manifest, exports and
// files against the packed contents) and `attw --pack --profile esm-only` (@arethetypeswrong/cli:
// types resolve for every entry point under node16 ESM and bundler resolution; the node10 and
// CommonJS-importer checks are skipped because the packages are ESM only and require() of them
// needs Node >= 20.19). Run after `pnpm build`; prints each tool's output and fails on any finding.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { publishablePackages, ROOT } from "./publishable.mjs";

const bin = (name) => join(ROOT, "node_modules", ".bin", name);
const failed = [];
for (const pkg of publishablePackages()) {
  for (const [tool, args] of [
    ["publint", ["--strict"]],
    ["attw", ["--pack", ".", "--profile", "esm-only", "--format", "table-flipped"]],
  ]) {
    const result = spawnSync(bin(tool), args, { cwd: pkg.dir, encoding: "utf8" });
    const output = `${result.stdout}${result.stderr}`.trim();
    if (result.status !== 0) {
      failed.push(`${pkg.name}: ${tool}`);
      console.error(`✗ ${pkg.name}: ${tool} ${args.join(" ")}\n${output}\n`);
    } else console.log(`✓ ${pkg.name}: ${tool}`);
  }
}
if (failed.length) {
  console.error(`package checks failed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(
  `package checks: publint --strict and attw (esm-only) clean for ${publishablePackages().length} packages`,
);
