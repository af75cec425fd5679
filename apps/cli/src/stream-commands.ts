import type { CommandModule } from "yargs";
import type { CliContext, CommandResult } from "./context.js";
import { exportOptions, importOptions } from "./stream-options.js";

type Args = Record<string, unknown>;

/** Wraps a command's body: prints its result and sets the exit code (main.ts's `handle`). */
export type CommandHandler = (
  command: string,
  fn: (args: Args) => Promise<CommandResult>,
) => (args: Args) => Promise<void>;

/** `papyra export` and `papyra import`, as yargs command modules. */
export function streamCommands(handle: CommandHandler, context: CliContext): CommandModule[] {
  return [
    {
      command: "export",
      describe:
        "Every record of the store as NDJSON (with kind), streamed: to stdout or --output FILE",
      builder: (y) => exportOptions(y),
      handler: handle("export", async (a) =>
        (await import("./commands/export.js")).exportCommand(context, a),
      ),
    },
    {
      command: "import <file>",
      describe:
        "Write records from an NDJSON export or a file store (or - for stdin) into the store",
      builder: (y) => importOptions(y),
      handler: handle("import", async (a) =>
        (await import("./commands/import.js")).importCommand(context, a),
      ),
    },
  ];
}
