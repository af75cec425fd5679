import { resolve } from "node:path";
import {
  type BackendContext,
  PapyraUsageError,
  type PersistenceBackend,
  PersistenceConfigurationError,
  parseBackendOptions,
  type ValidationIssue,
} from "@papyra/core";
import { findConfigFile, type LoadedConfig, loadConfigFile } from "./config-file.js";
import { type LoadedBackend, loadBackend, packageCandidates } from "./load-backend.js";
import { coerceFlagValue, type OptionFlag, optionFlags, setPath } from "./option-flags.js";

/** How the backend was chosen. */
export type SelectedBy = "flag" | "env" | "config" | "default";

/** The flags that choose a store, read from argv before the full parse. */
export interface StoreFlags {
  backend?: string;
  config?: string;
  path?: string;
}

/** The backend to use, where it came from, and its option flags. */
export interface StoreSelection {
  name: string;
  loaded: LoadedBackend;
  selectedBy: SelectedBy;
  config: LoadedConfig | undefined;
  flags: OptionFlag[];
}

/** What JSON output says about the store a command used. */
export interface StoreInfo {
  backend: string;
  package: string;
  package_version: string | null;
  resolved_from: "project" | "cli";
  selected_by: SelectedBy;
  config_file: string | null;
}

/** Environment variable that chooses the backend. */
export const BACKEND_ENV = "PAPYRA_BACKEND";
/** Environment variable giving the store path of a file backend. */
export const PATH_ENV = "PAPYRA_PATH";
/** The store used when nothing else is configured. */
export const DEFAULT_STORE_FILE = "papyra.ndjson";

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Finds the config file and backend (flags, then environment, then config, then json). */
export async function selectStore(
  flags: StoreFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<StoreSelection> {
  const configPath = flags.config ?? findConfigFile(cwd);
  const config = configPath ? await loadConfigFile(resolve(cwd, configPath)) : undefined;
  const fromEnv = nonEmpty(env[BACKEND_ENV]);
  let name = "json";
  let selectedBy: SelectedBy = "default";
  if (flags.backend !== undefined) {
    name = flags.backend;
    selectedBy = "flag";
  } else if (fromEnv !== undefined) {
    name = fromEnv;
    selectedBy = "env";
  } else if (config?.config.backend !== undefined) {
    name = config.config.backend;
    selectedBy = "config";
  } else if (config !== undefined) {
    selectedBy = "config";
  }
  const loaded = await loadBackend(name, cwd);
  return { name, loaded, selectedBy, config, flags: optionFlags(loaded.definition) };
}

/**
 * The config file, when its settings are for the selected backend. A config written for one
 * backend does not leak its options into another chosen by flag or environment.
 */
function configFor(selection: StoreSelection): LoadedConfig | undefined {
  const config = selection.config;
  if (!config) return undefined;
  const candidates = packageCandidates(config.config.backend ?? "json");
  return candidates.includes(selection.loaded.package.name) ? config : undefined;
}

function isPathFlag(flag: OptionFlag): boolean {
  return flag.path.length === 1 && flag.path[0] === "path";
}

function cloneOptions(value: Record<string, unknown> | undefined): Record<string, unknown> {
  return value === undefined ? {} : (JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}

/**
 * Builds the backend's options: config file, then environment, then flags (later wins), and
 * validates them with the backend's schema. Bad fields are named with the flag and variable
 * that set them.
 */
export function buildOptions(
  selection: StoreSelection,
  argv: Record<string, unknown>,
  pathFlag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): unknown {
  const { definition } = selection.loaded;
  const hasPath = selection.flags.some(isPathFlag);
  const config = configFor(selection);
  const options = cloneOptions(config?.config.options);
  const configPath = config?.config.path;
  if (configPath !== undefined) {
    if (!hasPath) {
      throw new PersistenceConfigurationError(
        `Config file ${selection.config?.file}: \`path\` does not apply to backend "${definition.name}" (it has no path option); put its settings under \`options\`.`,
      );
    }
    options.path = resolve(config?.dir ?? cwd, configPath);
  }

  const envByOption = definition.env ?? {};
  for (const [option, variable] of Object.entries(envByOption)) {
    const raw = nonEmpty(env[variable]);
    if (raw === undefined) continue;
    const path = option.split(".");
    const flag = selection.flags.find((f) => f.path.join(".") === option);
    const value = coerceFlagValue(flag?.kind ?? "string", raw);
    setPath(options, path, path.length === 1 && path[0] === "path" ? resolve(cwd, raw) : value);
  }
  const envPath = nonEmpty(env[PATH_ENV]);
  if (envPath !== undefined) {
    if (!hasPath) {
      throw new PersistenceConfigurationError(
        `${PATH_ENV} is set, but backend "${definition.name}" has no path option. Unset it or choose a file backend.`,
      );
    }
    options.path = resolve(cwd, envPath);
  }

  for (const flag of selection.flags) {
    const raw = argv[flag.flag];
    if (raw === undefined) continue;
    setPath(
      options,
      flag.path,
      isPathFlag(flag) ? resolve(cwd, String(raw)) : coerceFlagValue(flag.kind, raw),
    );
  }
  if (pathFlag !== undefined) {
    if (!hasPath) {
      throw new PapyraUsageError(
        `--path does not apply to backend "${definition.name}" (it has no path option).` +
          (selection.flags.length
            ? ` Its options: ${selection.flags.map((f) => `--${f.flag}`).join(", ")}.`
            : ""),
      );
    }
    options.path = resolve(cwd, pathFlag);
  }
  if (selection.selectedBy === "default" && hasPath && options.path === undefined) {
    options.path = resolve(cwd, DEFAULT_STORE_FILE);
  }

  try {
    return parseBackendOptions(definition, options);
  } catch (error) {
    const issues = (error as { issues?: readonly ValidationIssue[] }).issues;
    if (!issues) throw error;
    throw new PersistenceConfigurationError(
      `Invalid options for backend "${definition.name}" (${selection.loaded.package.name}):`,
      issues.map((issue) => ({
        path: describeField(selection, issue.path),
        message: issue.message,
      })),
    );
  }
}

function describeField(selection: StoreSelection, path: string): string {
  const sources: string[] = [];
  const flag = selection.flags.find((f) => f.path.join(".") === path);
  if (flag) sources.push(`--${flag.flag}`);
  const variable = selection.loaded.definition.env?.[path];
  if (variable) sources.push(`$${variable}`);
  if (path === "path") sources.push("--path");
  return sources.length ? `${path} (${sources.join(", ")})` : path;
}

/**
 * Opens the selected backend, read-only unless `readOnly` is false: the CLI holds a file
 * store's writer lock only to import into it.
 */
export async function openSelectedStore(
  selection: StoreSelection,
  options: unknown,
  cwd: string,
  readOnly = true,
): Promise<PersistenceBackend> {
  const context: BackendContext = { cwd: configFor(selection)?.dir ?? cwd, readOnly };
  return selection.loaded.definition.create(options, context);
}

/** The store description JSON output carries. */
export function storeInfo(selection: StoreSelection): StoreInfo {
  return {
    backend: selection.loaded.definition.name,
    package: selection.loaded.package.name,
    package_version: selection.loaded.package.version ?? null,
    resolved_from: selection.loaded.package.from,
    selected_by: selection.selectedBy,
    config_file: configFor(selection)?.file ?? null,
  };
}
