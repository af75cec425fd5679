import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A package found in some `node_modules` directory. */
export interface FoundPackage {
  name: string;
  version: string | undefined;
  /** Real directory of the package. */
  dir: string;
  /** Absolute path of its ESM entry point. */
  entry: string;
  /** Where it was found: the user's project (from the working directory up) or beside the CLI. */
  from: "project" | "cli";
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  exports?: unknown;
}

const CONDITIONS = new Set(["node", "import", "default"]);

// Node's exports resolution for ".", with the conditions an ESM import on Node uses.
function resolveExportTarget(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const resolved = resolveExportTarget(item);
      if (resolved) return resolved;
    }
    return undefined;
  }
  if (typeof target !== "object" || target === null) return undefined;
  const entries = Object.entries(target as Record<string, unknown>);
  if (entries.some(([key]) => key.startsWith("."))) {
    return resolveExportTarget((target as Record<string, unknown>)["."]);
  }
  for (const [condition, value] of entries) {
    if (!CONDITIONS.has(condition)) continue;
    const resolved = resolveExportTarget(value);
    if (resolved) return resolved;
  }
  return undefined;
}

function readPackageJson(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

function describePackage(
  dir: string,
  name: string,
  from: FoundPackage["from"],
): FoundPackage | undefined {
  const manifest = readPackageJson(dir);
  if (!manifest) return undefined;
  const entry = manifest.exports !== undefined ? resolveExportTarget(manifest.exports) : undefined;
  const relative = entry ?? manifest.main ?? "index.js";
  const real = realpathSync(dir);
  return { name, version: manifest.version, dir: real, entry: resolve(real, relative), from };
}

/** Every `node_modules` directory from `start` up to the filesystem root, nearest first. */
export function nodeModulesChain(start: string): string[] {
  const out: string[] = [];
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, "node_modules");
    if (existsSync(candidate)) out.push(candidate);
    const parent = dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

/** Directory the CLI's own code lives in (dependencies shipped with it are found from here). */
export function cliDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** Where to look for packages: the user's project first, then beside the CLI. */
export function searchRoots(cwd: string): { from: FoundPackage["from"]; start: string }[] {
  return [
    { from: "project", start: cwd },
    { from: "cli", start: cliDirectory() },
  ];
}

/** Finds a package by name the way Node would from `start`, without importing it. */
export function findPackage(
  name: string,
  start: string,
  from: FoundPackage["from"],
): FoundPackage | undefined {
  for (const nodeModules of nodeModulesChain(start)) {
    const dir = join(nodeModules, name);
    if (existsSync(join(dir, "package.json"))) return describePackage(dir, name, from);
  }
  return undefined;
}

function isBackendPackageName(name: string): boolean {
  return /^(@papyra\/backend-|papyra-backend-|@[^/]+\/papyra-backend-)/.test(name);
}

/** Lists backend-looking packages (`@papyra/backend-*`, `papyra-backend-*`, `@scope/papyra-backend-*`). */
export function listBackendPackages(start: string, from: FoundPackage["from"]): FoundPackage[] {
  const found: FoundPackage[] = [];
  for (const nodeModules of nodeModulesChain(start)) {
    let entries: string[];
    try {
      entries = readdirSync(nodeModules);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const names = entry.startsWith("@")
        ? safeReaddir(join(nodeModules, entry)).map((child) => `${entry}/${child}`)
        : [entry];
      for (const name of names) {
        if (!isBackendPackageName(name)) continue;
        const pkg = describePackage(join(nodeModules, name), name, from);
        if (pkg) found.push(pkg);
      }
    }
  }
  return found;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
