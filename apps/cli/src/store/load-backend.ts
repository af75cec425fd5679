import { pathToFileURL } from "node:url";
import {
  BACKEND_CONTRACT_VERSION,
  type BackendDefinition,
  isBackendDefinition,
  PersistenceConfigurationError,
} from "@papyra/core";
import { type FoundPackage, findPackage, searchRoots } from "./package-resolution.js";

/** A backend definition and the package it came from. */
export interface LoadedBackend {
  definition: BackendDefinition;
  package: FoundPackage;
}

/**
 * Package names tried for a backend name: `redis` means `@papyra/backend-redis`, then
 * `papyra-backend-redis`; a full package name (scoped, or `papyra-backend-*`) is used as is.
 */
export function packageCandidates(name: string): string[] {
  if (name.startsWith("@") || name.includes("/") || name.startsWith("papyra-backend-")) {
    return [name];
  }
  return [`@papyra/backend-${name}`, `papyra-backend-${name}`];
}

/** Imports a found package and checks that it exports a backend definition. */
export async function importDefinition(pkg: FoundPackage): Promise<BackendDefinition> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(pkg.entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PersistenceConfigurationError(
      `Backend package ${pkg.name} (${pkg.dir}) could not be loaded: ${(error as Error).message}`,
      [],
      { cause: error },
    );
  }
  const candidate = mod.backend ?? mod.default;
  if (!isBackendDefinition(candidate)) {
    const version =
      typeof candidate === "object" && candidate !== null && "contractVersion" in candidate
        ? ` (it declares contract version ${String((candidate as { contractVersion: unknown }).contractVersion)}, this CLI supports ${BACKEND_CONTRACT_VERSION})`
        : "";
    throw new PersistenceConfigurationError(
      `Package ${pkg.name} (${pkg.dir}) does not export a Papyra backend definition as \`backend\` or default${version}.`,
    );
  }
  return candidate;
}

/**
 * Finds and loads a backend by name or package name, from the user's project first (walking up
 * from `cwd`), then beside the CLI. Not found: PersistenceConfigurationError naming what to install.
 */
export async function loadBackend(name: string, cwd: string): Promise<LoadedBackend> {
  const candidates = packageCandidates(name);
  for (const root of searchRoots(cwd)) {
    for (const candidate of candidates) {
      const pkg = findPackage(candidate, root.start, root.from);
      if (pkg) return { definition: await importDefinition(pkg), package: pkg };
    }
  }
  const install = candidates[0] as string;
  throw new PersistenceConfigurationError(
    `Backend "${name}" is not installed. Install it in your project: npm install ${install}` +
      ` (looked for ${candidates.join(", ")} from ${cwd} upwards and beside the papyra CLI).`,
  );
}
