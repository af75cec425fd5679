import { PapyraUsageError } from "@papyra/core";
import yargs, { type Argv } from "yargs";
import { joinDashValues, lastFlagWins } from "./argv-normalize.js";
import type { CommandArgs, CommandDefinition } from "./commands/command.js";
import { type CommandTreeEntry, commandTree } from "./commands/registry.js";
import type { StoreSelection } from "./store/select-store.js";
import { cliVersion } from "./version.js";

/** Runs a command once yargs has parsed its flags; set by the CLI run. */
export type RunCommand = (command: CommandDefinition, args: CommandArgs) => Promise<void>;

/** The flags every command takes, before the backend's own. */
function globalOptions(parser: Argv): Argv {
  return parser
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
}

/** The option flags of the selected backend, under their own heading in `--help`. */
function backendOptions(parser: Argv, selection: StoreSelection): Argv {
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
  return parser;
}

function registerCommand(parser: Argv, command: CommandDefinition, run: RunCommand): Argv {
  const word = command.words[command.words.length - 1] as string;
  const usage = command.positionals ? `${word} ${command.positionals}` : word;
  return parser.command(usage, command.describe, command.builder ?? {}, async (args: CommandArgs) =>
    run(command, args),
  );
}

function registerEntry(parser: Argv, entry: CommandTreeEntry, run: RunCommand): Argv {
  if (entry.kind === "command") return registerCommand(parser, entry.command, run);
  const { group, commands } = entry;
  return parser.command(group.word, group.describe, (y) => {
    let sub = y;
    for (const command of commands) sub = registerCommand(sub, command, run);
    const words = commands.map((c) => c.words[1]).join(", ");
    return sub.demandCommand(1, `Choose a ${group.word} command: ${words}`);
  });
}

/**
 * The `papyra` parser for one run: global flags, the selected backend's flags (when the
 * configuration could be read) and every command of the registry. Never exits the process;
 * a usage mistake rejects `parseAsync()` with a {@link PapyraUsageError}.
 */
export function buildParser(
  argv: readonly string[],
  selection: StoreSelection | undefined,
  run: RunCommand,
  wantsHelp: boolean,
): Argv {
  let parser = globalOptions(
    yargs(joinDashValues(argv))
      .scriptName("papyra")
      .usage(
        "$0 <command> [options]\n\nOperate any Papyra store: check, repair, compact, inspect.",
      ),
  );
  if (selection) parser = backendOptions(parser, selection);
  for (const entry of commandTree()) parser = registerEntry(parser, entry, run);
  return lastFlagWins(
    parser
      // Answers the scripts' `--get-yargs-completions` calls; `papyra completion` prints them.
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
        throw error ?? new PapyraUsageError(message ?? "usage error");
      }),
  );
}
