import type { ArgumentsCamelCase, Argv, MiddlewareFunction } from "yargs";

/** The part of a yargs instance a middleware receives that its types leave out. */
interface ParserOptions {
  getOptions(): { array: string[] };
}

// Options whose value may be a lone `-` (`--target -`: dead letters without a target). The
// parser would otherwise read `-` as a flag of its own and refuse it as an unknown argument.
const DASH_VALUE_OPTIONS = new Set(["--target"]);

/** Joins `--target -` into `--target=-` so a lone `-` reaches the option as its value. */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (DASH_VALUE_OPTIONS.has(token) && argv[i + 1] === "-") {
      out.push(`${token}=-`);
      i += 1;
      continue;
    }
    out.push(token);
  }
  return out;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Makes a flag given twice take its last value (`--limit 1 --limit 2` is `--limit 2`), as
 * most command-line tools do, instead of handing the command an array it does not expect.
 * Options declared as arrays (`--target`, `--event-type`) keep every value. Runs before
 * validation, so `choices` and types see the single value.
 */
export function lastFlagWins<T>(parser: Argv<T>): Argv<T> {
  const collapse = (argv: ArgumentsCamelCase<T>, instance?: ParserOptions): void => {
    const arrays = new Set<string>(instance?.getOptions().array ?? []);
    const args = argv as Record<string, unknown>;
    for (const [key, value] of Object.entries(args)) {
      if (key === "_" || key === "$0" || !Array.isArray(value)) continue;
      if (arrays.has(key) || arrays.has(kebab(key))) continue;
      args[key] = value.at(-1);
    }
  };
  // yargs passes itself as a second argument, which its types leave out.
  return parser.middleware(collapse as MiddlewareFunction<T>, true);
}
