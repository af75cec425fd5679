import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

// The absolute locations the guide's examples use; a sandbox maps each under its own root.
const GUIDE_PATHS = [
  "/var/lib/node_exporter/textfile_collector",
  "/var/lib/orders",
  "/var/log/orders",
  "/etc/orders",
  "/backup",
  "/data",
];

/** The `papyra` binary of the workspace's CLI package. */
export function papyraBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve("papyra/package.json");
  const bin = JSON.parse(readFileSync(manifest, "utf8")).bin as string | Record<string, string>;
  return join(dirname(manifest), typeof bin === "string" ? bin : (bin.papyra as string));
}

/** A temp directory standing in for the machine the guide talks about. */
export class Sandbox {
  readonly root: string = mkdtempSync(join(tmpdir(), "papyra-guide-"));
  readonly bin: string = join(this.root, "bin");

  constructor() {
    mkdirSync(this.bin);
    // `papyra` on the PATH, as `npm install -g papyra` would put it.
    const wrapper = join(this.bin, "papyra");
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${papyraBin()}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    for (const path of GUIDE_PATHS) mkdirSync(this.path(path), { recursive: true });
  }

  /** Where a path of the guide lives in this sandbox. */
  path(guidePath: string): string {
    return join(this.root, guidePath);
  }

  /** The guide's text with its absolute locations moved into the sandbox. */
  map(text: string): string {
    let out = text;
    for (const path of GUIDE_PATHS) {
      out = out.replace(
        new RegExp(`(^|[\\s"'=:(])${path.replaceAll("/", "\\/")}(?=[/\\s"',)]|$)`, "gm"),
        `$1${this.path(path)}`,
      );
    }
    return out.replaceAll("/usr/local/bin/papyra", "papyra");
  }

  /** Environment with the sandbox's `papyra` first on the PATH. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.bin}:${process.env.PATH}`, NO_COLOR: "1", ...extra };
  }

  /** Runs a shell script (already mapped) with `sh -e`, in the sandbox's root. */
  sh(script: string, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
    return spawnSync("sh", ["-ec", script], {
      cwd: this.root,
      env: this.env(extra),
      encoding: "utf8",
    });
  }

  /** Runs `papyra` with these arguments (already mapped). */
  papyra(args: string[]): SpawnSyncReturns<string> {
    return spawnSync(join(this.bin, "papyra"), args, {
      cwd: this.root,
      env: this.env(),
      encoding: "utf8",
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
