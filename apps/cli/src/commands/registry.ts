import { command as backends } from "./backends.js";
import type { CommandDefinition, CommandGroup } from "./command.js";
import { command as completion } from "./completion.js";
import { command as demo } from "./demo.js";
import { command as doctorRun } from "./doctor/run.js";
import { command as exportRecords } from "./export.js";
import { command as importRecords } from "./import.js";
import { command as inspectAudits } from "./inspect/audits.js";
import { command as inspectDeadLetters } from "./inspect/dead-letters.js";
import { command as inspectEvents } from "./inspect/events.js";
import { command as inspectSummary } from "./inspect/summary.js";
import { command as metricsPersistence } from "./metrics/persistence.js";
import { command as metricsReset } from "./metrics/reset.js";
import { command as persistenceCompact } from "./persistence/compact.js";
import { command as persistenceInspect } from "./persistence/inspect.js";
import { command as persistenceRecover } from "./persistence/recover.js";
import { command as persistenceScan } from "./persistence/scan.js";
import { command as persistenceStartupCheck } from "./persistence/startup-check.js";

/** The groups of commands (the folders under `commands/`), with their `--help` lines. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { word: "doctor", describe: "Health check of the store" },
  { word: "persistence", describe: "Scan, recover, compact and inspect the store" },
  { word: "inspect", describe: "List events, audits and dead letters" },
  { word: "metrics", describe: "Durable metrics of the store" },
];

/** Every command, in the order `--help` lists them. The one list of command modules. */
export const COMMANDS: readonly CommandDefinition[] = [
  doctorRun,
  persistenceScan,
  persistenceRecover,
  persistenceStartupCheck,
  persistenceCompact,
  persistenceInspect,
  inspectEvents,
  inspectAudits,
  inspectDeadLetters,
  inspectSummary,
  metricsPersistence,
  metricsReset,
  exportRecords,
  importRecords,
  backends,
  demo,
  completion,
];

/** A top-level entry of the command tree: a group with its commands, or a one-word command. */
export type CommandTreeEntry =
  | { readonly kind: "group"; readonly group: CommandGroup; readonly commands: CommandDefinition[] }
  | { readonly kind: "command"; readonly command: CommandDefinition };

/** The command tree, top-level entries in `--help` order (groups first, as registered). */
export function commandTree(
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
  commands: readonly CommandDefinition[] = COMMANDS,
): CommandTreeEntry[] {
  const tree: CommandTreeEntry[] = [];
  const byWord = new Map<string, CommandDefinition[]>();
  for (const group of groups) {
    const members: CommandDefinition[] = [];
    byWord.set(group.word, members);
    tree.push({ kind: "group", group, commands: members });
  }
  for (const command of commands) {
    if (command.words.length === 1) {
      tree.push({ kind: "command", command });
      continue;
    }
    const members = byWord.get(command.words[0]);
    if (!members) {
      throw new Error(`command "${command.words.join(" ")}" names no known group`);
    }
    members.push(command);
  }
  return tree;
}

/** The name of a command in JSON documents and error messages: its words joined. */
export function commandLabel(command: CommandDefinition): string {
  return command.words.join(" ");
}

const TOP_LEVEL = new Set(COMMANDS.filter((c) => c.words.length === 1).map((c) => c.words[0]));
const COMMAND_WORDS = new Set([
  ...COMMAND_GROUPS.map((g) => g.word),
  ...COMMANDS.flatMap((c) => c.words),
]);

/** The command named in argv (`persistence scan`, `backends`), for error documents. */
export function commandName(argv: readonly string[]): string {
  const words = argv.filter((a) => COMMAND_WORDS.has(a));
  const first = words[0];
  if (first === undefined) return "papyra";
  return TOP_LEVEL.has(first) ? first : words.slice(0, 2).join(" ");
}
