import yargs from "yargs";
import { joinDashValues, lastFlagWins } from "./argv-normalize.js";
import { prescan } from "./argv-prescan.js";
import {
  commandName,
  compactOptions,
  listingOptions,
  recoverOptions,
  startupOptions,
  storeOptions,
} from "./cli-options.js";
import type { RecoverArgs } from "./commands/persistence.js";
import type { StartupCheckArgs } from "./commands/startup-check.js";
import type { CliContext, CommandResult } from "./context.js";
import { ExitCode, exitCodeFor, UsageError } from "./exit-codes.js";
import { Output, type OutputStreams } from "./output/output.js";
import { type StoreSelection, selectStore } from "./store/select-store.js";
import { streamCommands } from "./stream-commands.js";
import { timeOption } from "./stream-options.js";
import { cliVersion } from "./version.js";

/** Where the CLI runs: its arguments, directory, environment and output streams. */
export interface CliRun extends OutputStreams {
  argv: string[];
  cwd: string;
}

type Args = Record<string, unknown>;

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

/** Runs the CLI once and returns its exit code. Never throws. */
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
  const handle =
    (command: string, fn: (args: Args) => Promise<CommandResult>) =>
    async (args: Args): Promise<void> => {
      try {
        const result = await fn(args);
        out.finish();
        if (result.streamed) exitCode = result.exitCode;
        else if (out.json) {
          out.document({
            command,
            ok: result.exitCode === ExitCode.ok,
            exit_code: result.exitCode,
            ...result.data,
          });
        } else {
          result.print(out);
        }
        exitCode = result.exitCode;
      } catch (error) {
        exitCode = fail(command, error);
      }
    };

  let parser = yargs(joinDashValues(run.argv))
    .scriptName("papyra")
    .usage("$0 <command> [options]\n\nOperate any Papyra store: check, repair, compact, inspect.")
    .option("json", {
      type: "boolean",
      global: true,
      describe: "Print one JSON document on stdout",
    })
    .option("config", {
      type: "string",
      global: true,
      describe:
        "Config file (default: papyra.config.{ts,mjs,js,json} or package.json#papyra, searched upwards)",
    })
    .option("path", {
      type: "string",
      global: true,
      describe: "Store path of a file backend (default ./papyra.ndjson)",
    })
    .option("backend", {
      type: "string",
      global: true,
      describe: "Backend name (json, rotating, redis, ...) or package name",
    });
  if (selection) {
    const group = `Options of backend "${selection.loaded.definition.name}":`;
    for (const flag of selection.flags) {
      const env = Object.entries(selection.loaded.definition.env ?? {}).find(
        ([option]) => option === flag.path.join("."),
      );
      // Values are checked by the backend's own schema (exit 78, field by field), not by yargs.
      const description = [
        flag.description,
        flag.choices ? `[one of: ${flag.choices.join(", ")}]` : "",
        flag.kind === "json" ? "[JSON]" : "",
        env ? `[env ${env[1]}]` : "",
      ]
        .filter(Boolean)
        .join(" ");
      parser = parser.option(flag.flag, {
        type: flag.kind === "boolean" ? "boolean" : "string",
        global: true,
        group,
        describe: description,
      });
    }
  }

  parser = parser
    .command("doctor", "Health check of the store", (y) =>
      y
        .command(
          "run",
          "Run the startup check (default mode scan_only) and report",
          (c) => startupOptions(c, "scan_only"),
          handle("doctor run", async (a) =>
            (await import("./commands/startup-check.js")).startupCheckCommand(
              context,
              a as StartupCheckArgs & Args,
              true,
            ),
          ),
        )
        .demandCommand(1, "Choose a doctor command: run"),
    )
    .command("persistence", "Scan, recover, compact and inspect the store", (y) =>
      y
        .command(
          "scan",
          "Full scan; exit 2 if anything is found",
          storeOptions,
          handle("persistence scan", async (a) =>
            (await import("./commands/persistence.js")).scanCommand(context, a),
          ),
        )
        .command(
          "recover",
          "Recover (default repair), then scan; exit 2 if anything remains",
          recoverOptions,
          handle("persistence recover", async (a) =>
            (await import("./commands/persistence.js")).recoverCommand(context, a as RecoverArgs),
          ),
        )
        .command(
          "startup-check",
          "Run the startup check (default mode fail_on_anomaly)",
          (c) => startupOptions(c, "fail_on_anomaly"),
          handle("persistence startup-check", async (a) =>
            (await import("./commands/startup-check.js")).startupCheckCommand(
              context,
              a as StartupCheckArgs & Args,
              false,
            ),
          ),
        )
        .command(
          "compact",
          "Remove what retention excludes and print the report",
          compactOptions,
          handle("persistence compact", async (a) =>
            (await import("./commands/persistence.js")).compactCommand(context, a),
          ),
        )
        .command(
          "inspect",
          "What the store holds: counts, time span, capabilities, retention",
          (c) =>
            storeOptions(c).option("show-metrics", {
              type: "boolean",
              describe: "Also show the durable metrics",
            }),
          handle("persistence inspect", async (a) =>
            (await import("./commands/persistence.js")).persistenceInspectCommand(context, a),
          ),
        )
        .demandCommand(
          1,
          "Choose a persistence command: scan, recover, startup-check, compact, inspect",
        ),
    )
    .command("inspect", "List events, audits and dead letters", (y) =>
      y
        .command(
          "events",
          "List lifecycle events",
          (c) =>
            listingOptions(c)
              .option("event-type", {
                type: "string",
                array: true,
                describe: "Only these event types",
              })
              .option("target", {
                type: "string",
                array: true,
                describe: "Only these actors (system:actor_id or actor_id)",
              }),
          handle("inspect events", async (a) =>
            (await import("./commands/inspect.js")).inspectEventsCommand(context, a),
          ),
        )
        .command(
          "audits",
          "List audit snapshots",
          (c) => listingOptions(c),
          handle("inspect audits", async (a) =>
            (await import("./commands/inspect.js")).inspectAuditsCommand(context, a),
          ),
        )
        .command(
          "dead-letters",
          "List dead letters",
          (c) =>
            listingOptions(c)
              .option("message-type", {
                type: "string",
                array: true,
                describe: "Only these message types",
              })
              .option("target", {
                type: "string",
                array: true,
                describe: "Only letters to these actors",
              }),
          handle("inspect dead-letters", async (a) =>
            (await import("./commands/inspect.js")).inspectDeadLettersCommand(context, a),
          ),
        )
        .command(
          "summary",
          "The latest audit",
          (c) => timeOption(storeOptions(c)),
          handle("inspect summary", async (a) =>
            (await import("./commands/inspect.js")).inspectSummaryCommand(context, a),
          ),
        )
        .demandCommand(1, "Choose an inspect command: events, audits, dead-letters, summary"),
    )
    .command("metrics", "Durable metrics of the store", (y) =>
      y
        .command(
          "persistence",
          "Counters kept by the store across processes since the last reset",
          (c) =>
            storeOptions(c).option("format", {
              choices: ["human", "json", "prometheus"] as const,
              default: "human",
              describe:
                "human; json (the --json document); prometheus (text exposition format, for node_exporter's textfile collector)",
            }),
          handle("metrics persistence", async (a) =>
            (await import("./commands/metrics.js")).metricsCommand(context, a),
          ),
        )
        .command(
          "reset",
          "Zero the durable counters",
          storeOptions,
          handle("metrics reset", async (a) =>
            (await import("./commands/metrics.js")).metricsResetCommand(context, a),
          ),
        )
        .demandCommand(1, "Choose a metrics command: persistence, reset"),
    )
    .command(
      "backends",
      "Backend packages found, from where, with capabilities",
      {},
      handle("backends", async () =>
        (await import("./commands/backends.js")).backendsCommand(context),
      ),
    )
    .command(streamCommands(handle, context))
    .command(
      "demo",
      "Record a simulated actor system into a JSON store, then run doctor and summary on it",
      (c) =>
        c
          .option("force", { type: "boolean", describe: "Append to an existing store file" })
          .option("seed", { type: "string", describe: "Seed of the simulation (default 7)" }),
      handle("demo", async (a) => (await import("./commands/demo.js")).demoCommand(context, a)),
    )
    .command(
      "completion <shell>",
      "Print the shell completion script (bash or zsh)",
      (c) =>
        c.positional("shell", {
          choices: ["bash", "zsh"] as const,
          describe: "The shell to complete in",
        }),
      handle("completion", async (a) =>
        (await import("./commands/completion.js")).completionCommand(a),
      ),
    )
    // Answers the scripts' `--get-yargs-completions` calls; the command itself is the one above.
    .completion("__complete", false)
    .demandCommand(1, "Choose a command")
    .strict()
    .recommendCommands()
    .version(cliVersion())
    .alias("version", "v")
    .help()
    .alias("help", "h")
    // Wrapping measures every help line (string-width); only worth it when help is printed.
    .wrap(wantsHelp ? 100 : null)
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message ?? "usage error");
    });

  parser = lastFlagWins(parser);
  try {
    await parser.parseAsync();
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
