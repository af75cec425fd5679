import { joinDashValues } from "./argv-normalize.js";
import { prescan } from "./argv-prescan.js";
import { commandLabel, commandName } from "./commands/registry.js";
import type { CliContext } from "./context.js";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import { Output, type OutputStreams } from "./output/output.js";
import { buildParser, type RunCommand } from "./parser.js";
import { type StoreSelection, selectStore } from "./store/select-store.js";

/** Where the CLI runs: its arguments, directory, environment and output streams. */
export interface CliRun extends OutputStreams {
  argv: string[];
  cwd: string;
}

function errorDocument(command: string, exitCode: number, error: unknown): Record<string, unknown> {
  const e = error as { code?: unknown; message?: unknown; issues?: unknown };
  return {
    command,
    ok: false,
    exit_code: exitCode,
    error: {
      code: typeof e.code === "string" ? e.code : "INTERNAL",
      message: typeof e.message === "string" ? e.message : String(error),
      ...(Array.isArray(e.issues) ? { issues: e.issues } : {}),
    },
  };
}

/**
 * Runs the CLI once and returns its exit code. Never throws. Everything it reads and writes
 * comes through `run` (arguments, directory, environment, streams), so several runs may share
 * one process.
 */
export async function runCli(run: CliRun): Promise<number> {
  const early = prescan(run.argv);
  const wantsHelp = run.argv.some((a) => a === "--help" || a === "-h");
  const out = new Output(run, early.json);
  let selectionPromise: Promise<StoreSelection> | undefined;
  const context: CliContext = {
    out,
    cwd: run.cwd,
    env: run.env,
    storeFlags: early,
    selection: () => {
      selectionPromise ??= selectStore(early, run.env, run.cwd);
      return selectionPromise;
    },
  };

  const fail = (command: string, error: unknown): number => {
    const exitCode = exitCodeFor(error);
    out.finish();
    const message = error instanceof Error ? error.message : String(error);
    out.diag(`papyra: ${message}`);
    if (exitCode === ExitCode.internal && error instanceof Error && run.env.PAPYRA_DEBUG) {
      out.diag(error.stack ?? "");
    }
    if (out.json) out.document(errorDocument(command, exitCode, error));
    return exitCode;
  };

  // The backend decides which option flags exist, so it is chosen before the full parse. A
  // configuration problem is kept and reported when a command needs the store.
  let selection: StoreSelection | undefined;
  let selectionError: unknown;
  try {
    selection = await context.selection();
  } catch (error) {
    selectionError = error;
  }

  let exitCode: number = ExitCode.ok;
  const runCommand: RunCommand = async (command, args) => {
    const label = commandLabel(command);
    try {
      const result = await command.handler(context, args);
      out.finish();
      // A streamed command (a listing, an export) already wrote its output as it went.
      if (result.streamed === true) {
        exitCode = result.exitCode;
        return;
      }
      if (out.json) {
        out.document({
          command: label,
          ok: result.exitCode === ExitCode.ok,
          exit_code: result.exitCode,
          ...result.data,
        });
      } else {
        result.print(out);
      }
      exitCode = result.exitCode;
    } catch (error) {
      exitCode = fail(label, error);
    }
  };

  try {
    // With a parse callback yargs hands its own output (help, version) back instead of writing
    // to the process's console, so it reaches this run's stdout.
    await buildParser(run.argv, selection, runCommand, wantsHelp).parseAsync(
      joinDashValues(run.argv),
      {},
      (_error, _argv, output) => {
        if (output) run.stdout.write(`${output}\n`);
      },
    );
  } catch (error) {
    // An unknown flag next to a broken configuration is reported as the configuration problem.
    if (
      selectionError !== undefined &&
      /Unknown argument/i.test(String((error as Error).message))
    ) {
      return fail(commandName(run.argv), selectionError);
    }
    const code = fail(commandName(run.argv), error);
    if (code === ExitCode.usage) out.diag("Run papyra --help for usage.");
    return code;
  }
  return exitCode;
}
