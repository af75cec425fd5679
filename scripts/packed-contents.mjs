// Checks an installed package directory (what its tarball held) for what users must not get and
// what they must: no TypeScript build info, a LICENSE, and source maps and declaration maps whose
// every `sources` entry is a file in the package, so stack traces and go-to-definition resolve.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** `{ problems, files, bytes }` for one installed package directory. */
export function installedContentProblems(packageDir) {
  const files = walk(packageDir);
  const problems = [];
  if (!existsSync(join(packageDir, "LICENSE"))) problems.push("no LICENSE");
  for (const file of files) {
    const inside = relative(packageDir, file);
    if (file.endsWith(".tsbuildinfo")) problems.push(`ships build info ${inside}`);
    if (!file.endsWith(".map")) continue;
    const map = JSON.parse(readFileSync(file, "utf8"));
    const root = resolve(dirname(file), map.sourceRoot ?? "");
    map.sources.forEach((source, index) => {
      if (map.sourcesContent?.[index] != null) return;
      const target = resolve(root, source);
      if (!target.startsWith(packageDir) || !existsSync(target)) {
        problems.push(`${inside} points at ${source}, which is not in the package`);
      }
    });
  }
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  return { problems, files: files.length, bytes };
}
