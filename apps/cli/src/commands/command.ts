import type { Argv } from "yargs";
import type { CliContext, CommandResult } from "../context.js";

/** Flags as yargs hands them to a handler (checked again by each command). */
export type CommandArgs = Record<string, unknown>;

/** One usage example for `--help`: the command line, and what it does. */
export type CommandExample = readonly [command: string, description: string];

/**
 * One `papyra` command. Each lives in its own module under `commands/`, at the path its words
 * name (`["persistence", "scan"]` is `commands/persistence/scan.ts`); the registry builds the
 * parser, the command names in JSON documents and the "Choose a command" hints from these.
 */
export interface CommandDefinition {
  /** The words that run it: a group and a command, or one word for a top-level command. */
  readonly words: readonly [string] | readonly [string, string];
  /** Positional arguments after the words, in yargs syntax (`"<shell>"`). */
  readonly positionals?: string;
  /** One line for `--help`. */
  readonly describe: string;
  /** Declares the command's own flags (the global and backend flags are already there). */
  readonly builder?: (yargs: Argv) => Argv;
  /**
   * Runs the command. Implementations live in `actions/` and are imported here lazily, so a
   * run loads only the code of the command it runs.
   */
  readonly handler: (context: CliContext, args: CommandArgs) => Promise<CommandResult>;
  /** Usage examples shown by `--help`. */
  readonly examples?: readonly CommandExample[];
}

/** A word that groups commands (`persistence`), with its line for `--help`. */
export interface CommandGroup {
  readonly word: string;
  readonly describe: string;
}
