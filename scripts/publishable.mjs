// The workspace's packages as publishing sees them: which are publishable (not private), and
// what each depends on inside the workspace. Shared by the release check and the packed-install
// smoke test. Run after `pnpm install`; reads package.json files only.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * The one repository URL every manifest names (`repository`, `homepage`, `bugs`). The project has
 * no git remote yet; this is where it will be published, so change it here and in the manifests
 * together (the release check fails on any manifest that disagrees).
 */
const REPOSITORY_URL = "https://github.com/papyra-dev/papyra";
const WORKSPACE_DIRS = ["packages", "apps", "examples", "bench"];

/** Every workspace package: `{ name, dir, manifest, private }`. */
export function workspacePackages() {
  const found = [];
  for (const top of WORKSPACE_DIRS) {
    const base = join(ROOT, top);
    if (!existsSync(base)) continue;
    const dirs = existsSync(join(base, "package.json"))
      ? [base]
      : readdirSync(base).map((name) => join(base, name));
    for (const dir of dirs) {
      const file = join(dir, "package.json");
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8"));
      found.push({ name: manifest.name, dir, manifest, private: manifest.private === true });
    }
  }
  return found;
}

/** The publishable (non-private) packages, in dependency order (dependencies first). */
export function publishablePackages() {
  const all = workspacePackages().filter((p) => !p.private);
  const byName = new Map(all.map((p) => [p.name, p]));
  const ordered = [];
  const seen = new Set();
  const visit = (pkg) => {
    if (seen.has(pkg.name)) return;
    seen.add(pkg.name);
    for (const dep of workspaceDependencies(pkg)) {
      const target = byName.get(dep.name);
      if (target) visit(target);
    }
    ordered.push(pkg);
  };
  for (const pkg of all) visit(pkg);
  return ordered;
}

/**
 * The `workspace:` dependencies of a package that reach its users: `dependencies`,
 * `peerDependencies` and `optionalDependencies` (devDependencies are never installed by users).
 */
export function workspaceDependencies(pkg) {
  const out = [];
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(pkg.manifest[field] ?? {})) {
      if (String(range).startsWith("workspace:")) out.push({ name, range, field });
    }
  }
  return out;
}

export { REPOSITORY_URL, ROOT };
