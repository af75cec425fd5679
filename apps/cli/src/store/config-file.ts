import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PersistenceConfigurationError, toValidationIssues } from "@papyra/core";
import { z } from "zod";

/** The file names searched in each directory, in order; `package.json` counts if it has `papyra`. */
export const CONFIG_FILE_NAMES = [
  "papyra.config.ts",
  "papyra.config.mjs",
  "papyra.config.js",
  "papyra.config.json",
] as const;

/** What a config file may say. Unknown keys are errors so typos do not pass silently. */
export const configFileSchema = z.strictObject({
  backend: z
    .string()
    .min(1, "backend must be a backend name (json, redis) or a package name")
    .optional()
    .describe("Backend name or package name"),
  path: z.string().min(1, "path must not be empty").optional().describe("Store path"),
  options: z
    .record(z.string(), z.unknown(), { error: "options must be an object of backend options" })
    .optional()
    .describe("The backend's own options"),
});

/** A validated config file. */
export type PapyraConfig = z.infer<typeof configFileSchema>;

/** A config file that was found and validated. */
export interface LoadedConfig {
  config: PapyraConfig;
  /** Absolute path of the file the config came from (package.json for the `papyra` key). */
  file: string;
  /** Relative paths in the config are resolved against this directory. */
  dir: string;
}

function configError(
  file: string,
  message: string,
  cause?: unknown,
): PersistenceConfigurationError {
  return new PersistenceConfigurationError(`Config file ${file}: ${message}`, [], { cause });
}

async function importModule(file: string): Promise<unknown> {
  if (file.endsWith(".ts")) {
    // Loaded only for TypeScript configs: jiti is large and most runs never need it.
    const { createJiti } = await import("jiti");
    const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false });
    return jiti.import(file, { default: true });
  }
  // Node caches modules by URL for the life of the process: a version tag from the file's
  // size and mtime makes a process that runs the CLI more than once read an edited file again.
  const { mtimeMs, size } = statSync(file);
  const url = `${pathToFileURL(file).href}?v=${size}-${mtimeMs}`;
  const mod = (await import(url)) as { default?: unknown };
  return mod.default ?? mod;
}

async function readRaw(file: string): Promise<unknown> {
  if (file.endsWith("package.json")) {
    return (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>).papyra;
  }
  if (file.endsWith(".json")) return JSON.parse(readFileSync(file, "utf8"));
  let value = await importModule(file);
  if (typeof value === "function") value = await (value as () => unknown)();
  return value;
}

/** Loads and validates one config file; every problem is a PersistenceConfigurationError. */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const absolute = resolve(file);
  if (!existsSync(absolute)) throw configError(absolute, "file not found");
  let raw: unknown;
  try {
    raw = await readRaw(absolute);
  } catch (error) {
    throw configError(absolute, `cannot be loaded: ${(error as Error).message}`, error);
  }
  const result = configFileSchema.safeParse(raw);
  if (!result.success) {
    throw new PersistenceConfigurationError(
      `Invalid config file ${absolute}:`,
      toValidationIssues(result.error),
    );
  }
  return { config: result.data, file: absolute, dir: dirname(absolute) };
}

function hasPapyraKey(packageJson: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(packageJson, "utf8"));
    return typeof parsed === "object" && parsed !== null && "papyra" in parsed;
  } catch {
    return false;
  }
}

/** Finds the nearest config file from `cwd` upwards, or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const packageJson = join(dir, "package.json");
    if (existsSync(packageJson) && hasPapyraKey(packageJson)) return packageJson;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
