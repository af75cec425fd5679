// Release safety: fails when a publishable package could be published without what it needs.
// Every workspace package a publishable one depends on (dependencies, peerDependencies,
// optionalDependencies) must itself be publishable (not private), versioned by changesets (not
// in .changeset/config.json `ignore`), public, and carry the same publishing metadata; each
// publishable package must ship its LICENSE and say where it comes from. `pnpm release` runs
// this before `changeset publish`; CI runs it on every change.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  publishablePackages,
  ROOT,
  workspaceDependencies,
  workspacePackages,
} from "./publishable.mjs";

const config = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8"));
const ignored = new Set(config.ignore ?? []);
const all = new Map(workspacePackages().map((p) => [p.name, p]));
const problems = [];
const REQUIRED_FIELDS = [
  "description",
  "license",
  "repository",
  "homepage",
  "bugs",
  "keywords",
  "engines",
  "files",
];

for (const pkg of publishablePackages()) {
  const m = pkg.manifest;
  if (ignored.has(pkg.name)) problems.push(`${pkg.name} is publishable but ignored by changesets`);
  if (m.publishConfig?.access !== "public" && pkg.name.startsWith("@")) {
    problems.push(`${pkg.name}: publishConfig.access must be "public" for a scoped package`);
  }
  for (const field of REQUIRED_FIELDS) {
    if (m[field] === undefined) problems.push(`${pkg.name}: package.json has no "${field}"`);
  }
  if (typeof m.repository === "object" && !m.repository.directory) {
    problems.push(`${pkg.name}: repository.directory is missing`);
  }
  if (!existsSync(join(pkg.dir, "LICENSE"))) problems.push(`${pkg.name}: no LICENSE file`);
  if (!m.files?.includes("LICENSE")) problems.push(`${pkg.name}: "files" does not list LICENSE`);
  for (const dep of workspaceDependencies(pkg)) {
    const target = all.get(dep.name);
    if (!target) {
      problems.push(`${pkg.name}: ${dep.field} ${dep.name} is not a workspace package`);
    } else if (target.private) {
      problems.push(`${pkg.name}: ${dep.field} ${dep.name} is private, so installs would fail`);
    } else if (ignored.has(dep.name)) {
      problems.push(`${pkg.name}: ${dep.field} ${dep.name} is ignored by changesets`);
    }
  }
}

if (problems.length) {
  console.error(`release check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `release check: ${publishablePackages().length} publishable packages, all dependencies publishable`,
);
