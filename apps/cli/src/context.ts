import type { PersistenceBackend } from "@papyra/core";
import type { ExitCode } from "./exit-codes.js";
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

/** Opens the selected store read-only, runs `fn`, and closes the store whatever happens. */
export async function withStore<T>(
  context: CliContext,
  args: Record<string, unknown>,
  fn: (store: OpenStore) => Promise<T>,
): Promise<T> {
  const selection = await context.selection();
  const options = buildOptions(selection, args, context.storeFlags.path, context.env, context.cwd);
  const backend = await openSelectedStore(selection, options, context.cwd);
  try {
    return await fn({ backend, info: storeInfo(selection), selection });
  } finally {
    try {
      await backend.close();
    } catch (error) {
      context.out.diag(`papyra: warning: closing the store failed: ${(error as Error).message}`);
    }
  }
}
