// Release safety: fails when a publishable package could be published without what it needs.
// Every workspace package a publishable one depends on (dependencies, peerDependencies,
// optionalDependencies) must itself be publishable (not private) and versioned by changesets
// (not matched by .changeset/config.json `ignore`); every publishable package must carry the
// publishing metadata of scripts/manifest-rules.mjs (LICENSE, repository, exports, files, ...).
// `pnpm release` runs this before `changeset publish`; CI runs it on every change.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { manifestProblems } from "./manifest-rules.mjs";
import {
  publishablePackages,
  ROOT,
  workspaceDependencies,
  workspacePackages,
} from "./publishable.mjs";

const config = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8"));
// changesets' `ignore` takes package names and globs such as "@papyra/*".
const ignorePatterns = (config.ignore ?? []).map(
  (pattern) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`),
);
const ignored = (name) => ignorePatterns.some((pattern) => pattern.test(name));
const all = new Map(workspacePackages().map((p) => [p.name, p]));
const publishable = publishablePackages();
const problems = [];

if (config.access !== "public") problems.push('.changeset/config.json: "access" must be "public"');

for (const pkg of publishable) {
  if (ignored(pkg.name)) problems.push(`${pkg.name} is publishable but ignored by changesets`);
  problems.push(...manifestProblems(pkg));
  for (const dep of workspaceDependencies(pkg)) {
    const target = all.get(dep.name);
    if (!target) {
      problems.push(`${pkg.name}: ${dep.field} ${dep.name} is not a workspace package`);
    } else if (target.private) {
      problems.push(`${pkg.name}: ${dep.field} ${dep.name} is private, so installs would fail`);
    } else if (ignored(dep.name)) {
      problems.push(`${pkg.name}: ${dep.field} ${dep.name} is ignored by changesets`);
    } else if (!/^workspace:[\^~*]$/.test(dep.range)) {
      problems.push(
        `${pkg.name}: ${dep.field} ${dep.name} is "${dep.range}"; use "workspace:^" so publishing writes the released version`,
      );
    }
  }
}

if (problems.length) {
  console.error(`release check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `release check: ${publishable.length} publishable packages (${publishable.map((p) => p.name).join(", ")}): metadata complete, every workspace dependency publishable and versioned by changesets`,
);
