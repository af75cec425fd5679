import type { PersistenceBackend } from "@papyra/core";
import { ExitCode } from "./exit-codes.js";
import type { Output } from "./output/output.js";
import {
  buildOptions,
  openSelectedStore,
  type StoreFlags,
  type StoreInfo,
  type StoreSelection,
  storeInfo,
} from "./store/select-store.js";

/** What a command returns: its exit code, its JSON fields, and how to print it for a person. */
export interface CommandResult {
  exitCode: ExitCode;
  /** Fields of the command's JSON document (besides `command`, `ok`, `exit_code`). */
  data: Record<string, unknown>;
  print(out: Output): void;
  /** True when the command already wrote its output as it went (streamed listings, export). */
  streamed?: boolean;
}

/** An opened store and what it is. */
export interface OpenStore {
  backend: PersistenceBackend;
  info: StoreInfo;
  selection: StoreSelection;
}

/** Everything a command handler needs. */
export interface CliContext {
  out: Output;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `--backend`, `--config` and `--path` as given on the command line. */
  storeFlags: StoreFlags;
  /** Resolves the store selection; rejects with the configuration error if there is one. */
  selection(): Promise<StoreSelection>;
}

/**
 * The location of a "no store here" error (`PAPYRA_NOT_FOUND`, matched by code so any
 * backend's copy of @papyra/core maps the same way), or null for any other error.
 */
function missingLocation(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const { code, location } = error as { code?: unknown; location?: unknown };
  if (code !== "PAPYRA_NOT_FOUND") return null;
  return typeof location === "string" ? location : "the configured location";
}

/** What a command reports with `--allow-missing` when there is no store yet: a clean exit 0. */
function noStoreYet(info: StoreInfo, location: string): CommandResult {
  const message = `no store yet at ${location}`;
  return {
    exitCode: ExitCode.ok,
    data: { store: info, missing: true, location, message },
    print(out) {
      out.line(`No store yet at ${location}.`);
    },
  };
}

/**
 * Opens the selected store read-only, runs `fn`, and closes the store whatever happens. A
 * location without a store rejects with the backend's PAPYRA_NOT_FOUND (exit 66), or, with
 * `--allow-missing`, is a clean result saying there is no store yet.
 */
export async function withStore(
  context: CliContext,
  args: Record<string, unknown>,
  fn: (store: OpenStore) => Promise<CommandResult>,
): Promise<CommandResult> {
  const selection = await context.selection();
  const options = buildOptions(selection, args, context.storeFlags.path, context.env, context.cwd);
  const info = storeInfo(selection);
  try {
    const backend = await openSelectedStore(selection, options, context.cwd);
    try {
      return await fn({ backend, info, selection });
    } finally {
      try {
        await backend.close();
      } catch (error) {
        context.out.diag(`papyra: warning: closing the store failed: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    const location = args["allow-missing"] === true ? missingLocation(error) : null;
    if (location === null) throw error;
    return noStoreYet(info, location);
  }
}
