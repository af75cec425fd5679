#!/usr/bin/env node
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);

// `papyra --version` is run by scripts and shells to probe the tool: answer it without loading
// yargs, zod, the backends or the config file, which take most of a full start.
if (argv.length === 1 && argv[0] === "--version") {
  let version = "unknown";
  try {
    const manifest = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version?: unknown };
    if (typeof manifest.version === "string") version = manifest.version;
  } catch {
    // An unreadable manifest still answers, as the full parser would.
  }
  process.stdout.write(`${version}\n`);
} else {
  const { runCli } = await import("./main.js");
  const code = await runCli({
    argv,
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // Exit explicitly: a backend client (e.g. a Redis connection being torn down) must not keep the
  // process alive. Writes to pipes and files are synchronous on POSIX, so nothing is cut off.
  process.stdout.write("", () => process.exit(code));
}
