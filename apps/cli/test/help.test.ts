import { describe, expect, it } from "vitest";
import { z } from "zod";
import { prescan } from "../src/argv-prescan.js";
import type { CommandDefinition } from "../src/commands/command.js";
import { COMMANDS, commandLabel } from "../src/commands/registry.js";
import { buildParser } from "../src/parser.js";
import { optionFlags } from "../src/store/option-flags.js";
import { selectStore } from "../src/store/select-store.js";
import { baseEnv, papyra, tempProject } from "./helpers.js";

/** The lines of one `--help` section (from its heading to the next blank line). */
function section(help: string, heading: string): string[] {
  const lines = help.split("\n");
  const start = lines.indexOf(heading);
  if (start === -1) return [];
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** The flags (`--name`) a help section lists. */
function flagsIn(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    // An entry starts at column 2 (`-h, --help`) or 6 (`--json`); deeper lines wrap a description.
    const match = /^ {2}(?:-\w, | {4})--([\w-]+)/.exec(line);
    return match ? [match[1] as string] : [];
  });
}

/**
 * An example's command line as argv: `$0` dropped, quotes honoured, and cut at a shell
 * redirection or pipe (what follows is the shell's, not papyra's).
 */
function exampleArgv(example: string): string[] {
  const tokens = example.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const words = tokens.map((t) => t.replace(/^(["'])(.*)\1$/, "$2"));
  expect(words[0]).toBe("$0");
  const end = words.findIndex((w) => w === ">" || w === ">>" || w === "|");
  return words.slice(1, end === -1 ? undefined : end);
}

/**
 * Parses `argv` with the CLI's real parser (backend chosen and its flags declared as in a run)
 * without running the command: resolves to the command yargs picked, rejects on a usage error.
 */
async function parseOnly(argv: string[], cwd: string): Promise<CommandDefinition | undefined> {
  const selection = await selectStore(prescan(argv), baseEnv(), cwd);
  let picked: CommandDefinition | undefined;
  await buildParser(
    argv,
    selection,
    async (command) => {
      picked = command;
    },
    false,
  ).parseAsync(argv);
  return picked;
}

const GLOBAL_FLAGS = ["json", "config", "path", "backend", "help", "version"];

describe("--help of every command", () => {
  for (const command of COMMANDS) {
    const label = commandLabel(command);

    it(`${label}: shows 2 or 3 examples, each a command line that parses and runs ${label}`, async () => {
      const cwd = tempProject();
      const { code, stdout } = await papyra([...command.words, "--help"], { cwd });
      expect(code).toBe(0);
      const shown = section(stdout, "Examples:").filter((l) => l.startsWith(`  papyra ${label}`));
      expect(shown.length).toBeGreaterThanOrEqual(2);
      expect(shown).toEqual(
        (command.examples ?? []).map(([c]) => `  ${c.replace("$0", "papyra")}`),
      );
      for (const [, description] of command.examples ?? []) {
        expect(stdout).toContain(`  # ${description}\n`);
      }
      expect(command.examples?.length).toBeGreaterThanOrEqual(2);
      expect(command.examples?.length).toBeLessThanOrEqual(3);
      for (const [example] of command.examples ?? []) {
        const argv = exampleArgv(example);
        expect(argv.slice(0, command.words.length), example).toEqual([...command.words]);
        const picked = await parseOnly(argv, cwd);
        expect(picked && commandLabel(picked), example).toBe(label);
      }
    });

    it(`${label}: its own flags, the backend's and the global ones are listed apart`, async () => {
      const { code, stdout } = await papyra([...command.words, "--help"], { cwd: tempProject() });
      expect(code).toBe(0);
      expect(flagsIn(section(stdout, "Global options:")).sort()).toEqual([...GLOBAL_FLAGS].sort());
      const backend = flagsIn(section(stdout, 'Options of backend "json":'));
      expect(backend).toContain("json-path");
      expect(backend.every((flag) => flag.startsWith("json-"))).toBe(true);
      const own = flagsIn(section(stdout, "Options:"));
      expect(own.filter((flag) => GLOBAL_FLAGS.includes(flag) || backend.includes(flag))).toEqual(
        [],
      );
    });
  }

  it("an example that does not parse is caught (unknown flag, bad choice)", async () => {
    const cwd = tempProject();
    await expect(parseOnly(["inspect", "events", "--limt", "3"], cwd)).rejects.toThrow(
      /Unknown argument/,
    );
    await expect(parseOnly(["doctor", "run", "--mode", "sometimes"], cwd)).rejects.toThrow(
      /Invalid values/,
    );
  });

  it("--json is described as the output format, apart from the --json-* backend flags", async () => {
    const { stdout } = await papyra(["persistence", "scan", "--help"], { cwd: tempProject() });
    const json = section(stdout, "Global options:").join("\n");
    expect(json).toMatch(/--json\s+Print one JSON document on stdout \(output format/);
  });
});

describe("number flags in --help", () => {
  it("are typed [number] and described: --limit, --timeout-ms, --seed and backend numbers", async () => {
    const cwd = tempProject();
    const line = async (argv: string[], flag: string) => {
      const { stdout } = await papyra([...argv, "--help"], { cwd });
      // A flag's entry runs until the next flag (descriptions wrap onto further lines).
      const entry = new RegExp(`--${flag}\\s(?:(?!\\n {2}(?:-\\w, | {4})--)[\\s\\S])*`).exec(
        stdout,
      );
      return entry?.[0] ?? "";
    };
    for (const [argv, flag] of [
      [["inspect", "events"], "limit"],
      [["doctor", "run"], "timeout-ms"],
      [["demo"], "seed"],
      [["persistence", "scan"], "json-retention-max-records"],
      [["persistence", "scan"], "json-retention-max-age-seconds"],
      [["persistence", "scan", "--backend", "rotating"], "rotating-max-bytes"],
      [["persistence", "scan", "--backend", "redis"], "redis-connect-timeout-ms"],
    ] as const) {
      const entry = await line([...argv], flag);
      expect(entry, flag).toMatch(/\[number\]/);
      // A description, not only the type.
      expect(
        entry.replace(`--${flag}`, "").replace("[number]", "").trim().length,
        flag,
      ).toBeGreaterThan(10);
    }
  });

  it("bad numbers stay usage (64) or configuration (78) errors naming what was typed", async () => {
    const cwd = tempProject();
    const limit = await papyra(["inspect", "events", "--limit", "abc", "--allow-missing"], { cwd });
    expect(limit.code).toBe(64);
    expect(limit.stderr).toContain('--limit "abc"');
    const timeout = await papyra(["doctor", "run", "--timeout-ms", "soon"], { cwd });
    expect(timeout.code).toBe(64);
    expect(timeout.stderr).toContain('--timeout-ms "soon"');
    const retention = await papyra(
      ["inspect", "events", "--json-retention-max-records", "lots", "--allow-missing"],
      { cwd },
    );
    expect(retention.code).toBe(78);
    expect(retention.stderr).toContain("--json-retention-max-records");
  });
});

describe("backend option flags", () => {
  it("a number without a description in its schema gets one naming the option and its unit", () => {
    const flags = optionFlags({
      name: "example",
      optionsSchema: z.object({
        flushIntervalMs: z.number().int().positive().default(100),
        batch: z.object({ maxBytes: z.number().optional(), size: z.number().optional() }),
        ttlSeconds: z.number().describe("Time to live of an entry, in seconds"),
      }),
    } as unknown as Parameters<typeof optionFlags>[0]);
    const byFlag = Object.fromEntries(flags.map((f) => [f.flag, f]));
    expect(byFlag["example-flush-interval-ms"]).toMatchObject({
      kind: "number",
      description: "Option flushIntervalMs, a number of milliseconds",
    });
    expect(byFlag["example-batch-max-bytes"]?.description).toBe(
      "Option batch.maxBytes, a number of bytes",
    );
    expect(byFlag["example-batch-size"]?.description).toBe("Option batch.size, a number");
    expect(byFlag["example-ttl-seconds"]?.description).toBe("Time to live of an entry, in seconds");
  });
});
