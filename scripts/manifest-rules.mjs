// What every publishable package's manifest must say, so that a new package (or a new entry
// point) cannot be published without its metadata, its LICENSE, or an `exports` map that serves
// both `import` and `require()`. Used by scripts/check-release.mjs; pure apart from reading the
// package directory.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPOSITORY_URL, ROOT } from "./publishable.mjs";

/** The Node range every package declares (the root's `engines.node`). */
const NODE_RANGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).engines.node;

/** The conditions of every `exports` entry, in this order: types first, `default` serves require(). */
const CONDITIONS = ["types", "import", "default"];

/** Problems with one publishable package's manifest and files, as readable sentences. */
export function manifestProblems(pkg) {
  const m = pkg.manifest;
  const directory = relative(ROOT, pkg.dir).split("\\").join("/");
  const problems = [];
  const say = (text) => problems.push(`${pkg.name}: ${text}`);

  if (typeof m.description !== "string" || m.description.trim() === "") say('no "description"');
  if (m.type !== "module") say('"type" must be "module" (the packages are ESM only)');
  if (m.license !== "MIT") say('"license" must be "MIT"');
  if (!existsSync(join(pkg.dir, "LICENSE"))) say("no LICENSE file in the package directory");
  if (!Array.isArray(m.keywords) || m.keywords.length === 0) say('no "keywords"');
  if (m.engines?.node !== NODE_RANGE) say(`"engines.node" must be "${NODE_RANGE}"`);
  if (m.sideEffects === undefined) say('no "sideEffects" (false, or the files that have them)');
  if (m.name.startsWith("@") && m.publishConfig?.access !== "public") {
    say('publishConfig.access must be "public" for a scoped package');
  }

  const repo = m.repository;
  if (typeof repo !== "object" || repo === null)
    say('"repository" must be { type, url, directory }');
  else {
    if (repo.type !== "git") say('repository.type must be "git"');
    if (repo.url !== `git+${REPOSITORY_URL}.git`)
      say(`repository.url must be git+${REPOSITORY_URL}.git`);
    if (repo.directory !== directory) say(`repository.directory must be "${directory}"`);
  }
  const homepage = `${REPOSITORY_URL}/tree/main/${directory}#readme`;
  if (m.homepage !== homepage) say(`"homepage" must be ${homepage}`);
  if (m.bugs?.url !== `${REPOSITORY_URL}/issues`) say(`bugs.url must be ${REPOSITORY_URL}/issues`);

  // Source maps and declaration maps point at ../src, so src ships with dist.
  const files = Array.isArray(m.files) ? m.files : [];
  if (!Array.isArray(m.files)) say('no "files" list');
  for (const needed of ["dist", "src", "LICENSE", "README.md"]) {
    if (!files.includes(needed)) say(`"files" does not list ${needed}`);
  }

  problems.push(...exportsProblems(pkg));
  problems.push(...binProblems(pkg, files));
  problems.push(...buildInfoProblems(pkg));
  return problems;
}

function exportsProblems(pkg) {
  const problems = [];
  const exportsMap = pkg.manifest.exports;
  if (typeof exportsMap !== "object" || exportsMap === null || !exportsMap["."]) {
    return [`${pkg.name}: "exports" must map "." (and "./package.json")`];
  }
  for (const [subpath, entry] of Object.entries(exportsMap)) {
    if (subpath === "./package.json") continue;
    const keys = typeof entry === "object" && entry !== null ? Object.keys(entry) : [];
    if (keys.join() !== CONDITIONS.join()) {
      problems.push(
        `${pkg.name}: exports["${subpath}"] must have exactly ${CONDITIONS.join(", ")} in that order (has ${keys.join(", ") || typeof entry})`,
      );
    } else if (entry.default !== entry.import) {
      problems.push(`${pkg.name}: exports["${subpath}"].default must be the same file as import`);
    }
  }
  return problems;
}

// A `bin` target must be committed (not built) so `pnpm install` in a clone can link it, and it
// must ship.
function binProblems(pkg, files) {
  const problems = [];
  const bin = pkg.manifest.bin;
  const targets = typeof bin === "string" ? [bin] : Object.values(bin ?? {});
  for (const target of targets) {
    const path = target.replace(/^\.\//, "");
    const top = path.split("/")[0];
    if (top === "dist")
      problems.push(`${pkg.name}: bin ${target} is built; point it at a committed stub`);
    if (!files.includes(top)) problems.push(`${pkg.name}: bin ${target} is not in "files"`);
    if (!existsSync(join(pkg.dir, path)))
      problems.push(`${pkg.name}: bin ${target} does not exist`);
  }
  return problems;
}

// tsc writes build info into outDir for composite/incremental projects unless told otherwise;
// it must never land in dist (it is most of a small package's unpacked size).
function buildInfoProblems(pkg) {
  const file = join(pkg.dir, "tsconfig.build.json");
  if (!existsSync(file)) return [];
  const options = JSON.parse(readFileSync(file, "utf8")).compilerOptions ?? {};
  const outDir = (options.outDir ?? "dist").replace(/^\.\//, "");
  const infoFile = options.tsBuildInfoFile?.replace(/^\.\//, "");
  const incremental = options.composite === true || options.incremental === true;
  if ((incremental && infoFile === undefined) || infoFile?.startsWith(`${outDir}/`)) {
    return [`${pkg.name}: tsconfig.build.json puts .tsbuildinfo into ${outDir}, which ships`];
  }
  return [];
}
