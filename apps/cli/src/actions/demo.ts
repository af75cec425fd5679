import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PapyraUsageError } from "@papyra/core";
import type { CliContext, CommandResult } from "../context.js";
import { simulateActorSystem } from "../demo/simulate.js";
import { ExitCode } from "../exit-codes.js";
import { importDefinition } from "../store/load-backend.js";
import { cliDirectory, findPackage } from "../store/package-resolution.js";
import { DEFAULT_STORE_FILE } from "../store/select-store.js";
import { parseCount } from "../time-input.js";

interface ChildRun {
  args: string[];
  exit_code: number;
  stdout: string;
  stderr: string;
}

function runSelf(args: string[], context: CliContext): ChildRun {
  const bin = fileURLToPath(new URL("../bin.js", import.meta.url));
  const child = spawnSync(process.execPath, [bin, ...args], {
    cwd: context.cwd,
    env: context.env,
    encoding: "utf8",
  });
  return {
    args,
    exit_code: child.status ?? ExitCode.internal,
    stdout: child.stdout,
    stderr: child.stderr,
  };
}

/**
 * `demo`: records a simulated actor system into a JSON store (the one shipped with the CLI),
 * then runs `papyra doctor run` and `papyra inspect summary` on it as a user would.
 */
export async function demoCommand(
  context: CliContext,
  args: { force?: boolean; seed?: string } & Record<string, unknown>,
): Promise<CommandResult> {
  const file = resolve(context.cwd, context.storeFlags.path ?? DEFAULT_STORE_FILE);
  if (existsSync(file) && statSync(file).size > 0 && !args.force) {
    throw new PapyraUsageError(
      `${file} already exists. Pass --force to append the demo to it, or --path to write another file.`,
    );
  }
  const seed = args.seed === undefined ? 7 : parseCount("--seed", args.seed);
  const pkg = findPackage("@papyra/backend-json", cliDirectory(), "cli");
  if (!pkg) throw new Error("@papyra/backend-json is missing beside the CLI; reinstall papyra");
  const definition = await importDefinition(pkg);
  const store = await definition.create({ path: file }, { cwd: context.cwd, readOnly: false });
  const records = simulateActorSystem(seed);
  const counts = { events: 0, audits: 0, dead_letters: 0 };
  try {
    for (const item of records) {
      if (item.kind === "event") {
        await store.recordEvent(item.record);
        counts.events += 1;
      } else if (item.kind === "audit") {
        await store.recordAudit(item.record);
        counts.audits += 1;
      } else {
        await store.recordDeadLetter(item.record);
        counts.dead_letters += 1;
      }
    }
  } finally {
    await store.close();
  }
  const json = context.out.json ? ["--json"] : [];
  const doctor = runSelf(["doctor", "run", "--path", file, ...json], context);
  const summary = runSelf(["inspect", "summary", "--path", file, ...json], context);
  const exitCode = doctor.exit_code !== 0 ? doctor.exit_code : summary.exit_code;
  const parse = (run: ChildRun): unknown => {
    try {
      return JSON.parse(run.stdout);
    } catch {
      return run.stdout;
    }
  };
  return {
    exitCode: exitCode as ExitCode,
    data: { path: file, recorded: counts, doctor: parse(doctor), summary: parse(summary) },
    print(out) {
      out.line(
        `Recorded ${counts.events} events, ${counts.audits} audits and ${counts.dead_letters} dead letters of a simulated shop into ${file}`,
      );
      for (const run of [doctor, summary]) {
        out.line();
        out.line(out.paint("bold", `$ papyra ${run.args.join(" ")}`));
        out.line(run.stdout.trimEnd());
        if (run.stderr.trim()) out.diag(run.stderr.trimEnd());
      }
      out.line();
      out.line(`Try: papyra inspect events --path ${file} --event-type ActorCrashed`);
    },
  };
}
