import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The path of the `papyra` bin script, or the reason it cannot be run. */
export function papyraBin(): string | { missing: string } {
  try {
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve("papyra/package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      bin?: string | Record<string, string>;
    };
    const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.papyra;
    if (!bin) return { missing: "the papyra package declares no papyra bin" };
    const path = join(dirname(manifestPath), bin);
    readFileSync(path);
    return path;
  } catch (error) {
    return { missing: `papyra CLI not built (${(error as Error).message.split("\n")[0]})` };
  }
}

/** A timed whole-process run. */
export interface ProcessTiming {
  samples: number[];
  exitCodes: number[];
  stdout: string;
}

/** Runs `node ...args` `runs` times after two warmup runs, timing each whole process. */
export function timeProcess(args: string[], runs: number, cwd: string): ProcessTiming {
  const samples: number[] = [];
  const exitCodes: number[] = [];
  let stdout = "";
  for (let i = 0; i < runs + 2; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, {
      cwd,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    const ms = performance.now() - start;
    if (result.error) throw result.error;
    if (i >= 2) {
      samples.push(ms);
      exitCodes.push(result.status ?? -1);
    }
    stdout = `${result.stdout}${result.stderr}`;
  }
  return { samples, exitCodes, stdout };
}
