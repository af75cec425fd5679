import { resolve } from "node:path";
import {
  backendCapabilities,
  PapyraUsageError,
  type RecoveryConfig,
  type RecoveryMode,
  runStartupCheck,
  type StartupCheckResult,
  type StartupMode,
} from "@papyra/core";
import { type CliContext, type CommandResult, withStore } from "../context.js";
import { ExitCode, exitCodeFor } from "../exit-codes.js";
import {
  capabilityList,
  LABEL_WIDTH,
  printRecovery,
  printScan,
  storeLine,
} from "../output/reports.js";
import { parsePositive } from "../time-input.js";

/** Flags shared by `doctor run` and `persistence startup-check`. */
export interface StartupCheckArgs {
  mode: StartupMode;
  "recovery-mode"?: RecoveryMode;
  "quarantine-dir"?: string;
  full?: boolean;
  "timeout-ms"?: string;
  force?: boolean;
  "allow-missing"?: boolean;
}

function recoveryFrom(args: StartupCheckArgs, cwd: string): RecoveryConfig | undefined {
  const mode = args["recovery-mode"];
  const dir = args["quarantine-dir"];
  const force = args.force === true ? { force: true } : {};
  if (mode === "quarantine" && dir === undefined) {
    throw new PapyraUsageError(
      "--recovery-mode quarantine needs --quarantine-dir DIR (where the damaged originals are copied)",
    );
  }
  if (mode === undefined) {
    return dir === undefined && args.force !== true ? undefined : { mode: "repair", ...force };
  }
  return dir === undefined
    ? { mode, ...force }
    : { mode, quarantineDir: resolve(cwd, dir), ...force };
}

/**
 * Setup warnings a backend offers through an optional `diagnostics()` method (e.g. a Redis
 * server that keeps nothing on disk). Never fails the command.
 */
async function backendWarnings(backend: unknown): Promise<string[]> {
  const diagnostics = (backend as { diagnostics?: unknown }).diagnostics;
  if (typeof diagnostics !== "function") return [];
  try {
    const result: unknown = await diagnostics.call(backend);
    return Array.isArray(result) ? result.filter((w): w is string => typeof w === "string") : [];
  } catch (error) {
    return [`could not collect the backend's diagnostics: ${(error as Error).message}`];
  }
}

/**
 * Runs the startup check exactly as a runtime would (`runStartupCheck` from @papyra/core) and
 * reports it. `doctor` adds the backend's capabilities to the report.
 */
export async function startupCheckCommand(
  context: CliContext,
  args: StartupCheckArgs & Record<string, unknown>,
  doctor: boolean,
): Promise<CommandResult> {
  const recovery = recoveryFrom(args, context.cwd);
  const timeoutMs =
    args["timeout-ms"] === undefined
      ? undefined
      : parsePositive("--timeout-ms", args["timeout-ms"]);
  return withStore(context, args, async ({ backend, info }) => {
    const capabilities = backendCapabilities(backend);
    let result: StartupCheckResult | null = null;
    let failure: { reason: string; message: string } | null = null;
    let exitCode: ExitCode = ExitCode.ok;
    try {
      result = await runStartupCheck(backend, {
        mode: args.mode,
        recovery,
        timeoutMs,
        full: args.full === true,
        allowMissing: args["allow-missing"] === true,
        onProgress: context.out.progress(),
      });
    } catch (error) {
      const startup = error as { code?: unknown; reason?: unknown; result?: StartupCheckResult };
      if (startup.code !== "PAPYRA_STARTUP") throw error;
      exitCode = exitCodeFor(error);
      result = startup.result ?? null;
      failure = { reason: String(startup.reason), message: (error as Error).message };
    } finally {
      context.out.finish();
    }
    if (failure) context.out.diag(`papyra: ${failure.message}`);
    const warnings = doctor ? await backendWarnings(backend) : [];
    for (const warning of warnings) context.out.diag(`papyra: warning: ${warning}`);
    const data: Record<string, unknown> = { store: info };
    if (doctor) {
      data.capabilities = capabilities;
      data.warnings = warnings;
    }
    data.check = result;
    data.failure = failure;
    return {
      exitCode,
      data,
      print(out) {
        out.pairs(
          [
            ["Store", storeLine(info)],
            ...(doctor ? [["Capabilities", capabilityList(capabilities)] as const] : []),
            ["Mode", `${args.mode}${args.full ? " (full)" : ""}`],
          ],
          LABEL_WIDTH,
        );
        if (result?.skipped) out.pairs([["Scan", `skipped: ${result.skipped}`]], LABEL_WIDTH);
        if (result?.scan) printScan(out, "Scan", result.scan);
        if (result?.recovery) printRecovery(out, result.recovery);
        if (result?.scan_after) printScan(out, "After", result.scan_after);
        let verdict: string;
        if (failure) verdict = out.paint("red", `FAILED (${failure.reason})`);
        else if ((result?.remaining_anomalies ?? 0) > 0)
          verdict = out.paint("yellow", `anomalies reported (mode ${args.mode} does not fail)`);
        else if (result?.recovery) verdict = out.paint("green", "recovered, store is clean");
        else if (result?.missing) verdict = "no store yet";
        else if (result?.skipped) verdict = "not checked";
        else verdict = out.paint("green", "healthy");
        out.pairs([["Result", verdict]], LABEL_WIDTH);
      },
    };
  });
}
