// `pnpm papyra ...` in a clone: builds the CLI and the packages it needs (turbo's cache makes
// that instant when nothing changed; its output is shown only when the build fails), then runs
// apps/cli/bin/papyra.mjs with the arguments given, in the directory pnpm was called from, and
// exits with the CLI's exit code. Use `pnpm -s papyra ... --json` for output a program reads.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./publishable.mjs";

const build = spawnSync(
  join(ROOT, "node_modules", ".bin", "turbo"),
  ["run", "build", "--filter=papyra...", "--output-logs=errors-only"],
  { cwd: ROOT, encoding: "utf8", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
);
if (build.status !== 0) {
  process.stderr.write(`${build.stdout}${build.stderr}`);
  process.stderr.write("papyra: building the CLI failed (see above)\n");
  process.exit(70);
}
// pnpm sets INIT_CWD to where it was called; this script is no turbo task, so it is no cache input.
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read at run time only, see above
const callerDir = process.env.INIT_CWD ?? process.cwd();
const cli = spawnSync(
  process.execPath,
  [join(ROOT, "apps", "cli", "bin", "papyra.mjs"), ...process.argv.slice(2)],
  { cwd: callerDir, stdio: "inherit" },
);
process.exit(cli.status ?? 70);
