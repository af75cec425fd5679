import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND_GROUPS, COMMANDS, commandName, commandTree } from "../src/commands/registry.js";

const commandsDir = join(import.meta.dirname, "../src/commands");
// The files of commands/ that define no command.
const SUPPORT = new Set(["command.ts", "registry.ts"]);

function commandFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...commandFiles(path));
    else if (name.endsWith(".ts") && !SUPPORT.has(relative(commandsDir, path))) out.push(path);
  }
  return out;
}

describe("the command registry", () => {
  it("has one module per command, at the path its words name, and registers each once", async () => {
    const files = commandFiles(commandsDir);
    const fromFiles = [];
    for (const file of files) {
      const words = relative(commandsDir, file).replace(/\.ts$/, "").split("/");
      const { command } = (await import(file)) as { command: (typeof COMMANDS)[number] };
      expect(command.words, file).toEqual(words);
      expect(COMMANDS, file).toContain(command);
      fromFiles.push(words.join(" "));
    }
    expect(COMMANDS.map((c) => c.words.join(" ")).sort()).toEqual(fromFiles.sort());
  });

  it("puts every command under a known group folder, and every group has commands", () => {
    const tree = commandTree();
    for (const group of COMMAND_GROUPS) {
      const entry = tree.find((e) => e.kind === "group" && e.group.word === group.word);
      expect(entry?.kind === "group" && entry.commands.length > 0, group.word).toBe(true);
    }
    expect(() =>
      commandTree(COMMAND_GROUPS, [
        { words: ["nosuch", "cmd"], describe: "x", handler: async () => ({}) as never },
      ]),
    ).toThrow(/names no known group/);
  });

  it("names the command of an argv for error documents", () => {
    expect(commandName(["persistence", "scan", "--json"])).toBe("persistence scan");
    expect(commandName(["--path", "x", "backends"])).toBe("backends");
    expect(commandName(["persistence", "inspect"])).toBe("persistence inspect");
    expect(commandName(["--bogus"])).toBe("papyra");
  });
});
