import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, CLI, papyra, tempProject } from "./helpers.js";

/** A directory with a `papyra` executable that runs this build, as an installed CLI would be. */
function binDir(): string {
  const dir = join(tempProject(), "bin");
  mkdirSync(dir);
  const shim = join(dir, "papyra");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

/** What bash offers after `words` (the last one being completed), with the script sourced. */
function bashComplete(words: string[]): string[] {
  const bin = binDir();
  const script = [
    "source <(papyra completion bash)",
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length - 1}`,
    "_papyra_completions",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own expansion, not JS's
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join("\n");
  const env = baseEnv({ PATH: `${bin}:${process.env.PATH ?? ""}` });
  const run = spawnSync("bash", ["-c", script], { cwd: join(bin, ".."), env, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split("\n").filter(Boolean);
}

describe("papyra completion", () => {
  it("bash: the sourced script completes commands, subcommands and flags from the CLI itself", () => {
    expect(bashComplete(["papyra", "pers"])).toEqual(["persistence"]);
    expect(bashComplete(["papyra", "persistence", "sc"])).toEqual(["scan"]);
    expect(bashComplete(["papyra", "inspect", "events", "--li"])).toEqual(["--limit"]);
  });

  it("zsh: a compdef script whose candidates carry descriptions", async () => {
    const dir = tempProject();
    const run = await papyra(["completion", "zsh"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^#compdef papyra\n/);
    expect(run.stdout).toContain("_describe");
    const candidates = spawnSync(process.execPath, [CLI, "--get-yargs-completions", "insp"], {
      cwd: dir,
      env: baseEnv({ ZSH_NAME: "zsh" }),
      encoding: "utf8",
    });
    expect(candidates.stdout).toMatch(/^inspect:List events, audits and dead letters$/m);
  });

  it("an unknown shell is a usage error (64)", async () => {
    const run = await papyra(["completion", "fish"], { cwd: tempProject() });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("bash");
  });
});
