#!/usr/bin/env node
import { runCli } from "./main.js";

const code = await runCli({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
// Exit explicitly: a backend client (e.g. a Redis connection being torn down) must not keep the
// process alive. Writes to pipes and files are synchronous on POSIX, so nothing is cut off.
process.stdout.write("", () => process.exit(code));
