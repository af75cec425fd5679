import { resolve } from "node:path";
import {
  backendCapabilities,
  formatAddress,
  PapyraUsageError,
  type PersistenceBackend,
  PersistenceUnsupportedError,
  RECOVERY_MODES,
  type RecoveryMode,
} from "@papyra/core";
import { type CliContext, type CommandResult, withStore } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import {
  capabilityList,
  LABEL_WIDTH,
  printCompaction,
  printRecovery,
  printScan,
  storeLine,
} from "../output/reports.js";
import { formatTimestamp } from "./inspect.js";
import { printStoredMetrics, readMetrics, type StoredMetricsView } from "./metrics.js";

function unsupported(backend: string, operation: string): PersistenceUnsupportedError {
  return new PersistenceUnsupportedError(backend, operation);
}

/** `persistence scan`: a full scan; exit 2 when anything is found. */
export async function scanCommand(
  context: CliContext,
  args: Record<string, unknown>,
): Promise<CommandResult> {
  return withStore(context, args, async ({ backend, info }) => {
    if (typeof backend.scan !== "function") throw unsupported(info.backend, "scan");
    const scan = await backend.scan({ onProgress: context.out.progress() });
    context.out.finish();
    return {
      exitCode: scan.anomalies.length ? ExitCode.anomaliesRemain : ExitCode.ok,
      data: { store: info, scan },
      print(out) {
        out.pairs(
          [
            ["Store", storeLine(info)],
            ["Location", scan.location],
          ],
          LABEL_WIDTH,
        );
        printScan(out, "Scan", scan);
      },
    };
  });
}

/** Arguments of `persistence recover`. */
export type RecoverArgs = {
  mode: RecoveryMode;
  "quarantine-dir"?: string;
  force?: boolean;
  "dry-run"?: boolean;
} & Record<string, unknown>;

/**
 * `persistence recover`: recovers, then scans; exit 2 when anything remains. With
 * `--dry-run`, reports what recovery would do and changes nothing (exit 2 when it would
 * change something, as a scan that finds anomalies). Data that is not a store: exit 65
 * unless `--force`.
 */
export async function recoverCommand(
  context: CliContext,
  args: RecoverArgs,
): Promise<CommandResult> {
  if (!RECOVERY_MODES.includes(args.mode))
    throw new PapyraUsageError(`unknown --mode ${args.mode}`);
  const dir = args["quarantine-dir"];
  if (args.mode === "quarantine" && dir === undefined) {
    throw new PapyraUsageError(
      "--mode quarantine needs --quarantine-dir DIR (where the damaged originals are copied)",
    );
  }
  return withStore(context, args, async ({ backend, info }) => {
    if (typeof backend.recover !== "function" || typeof backend.scan !== "function") {
      throw unsupported(info.backend, "recovery");
    }
    const onProgress = context.out.progress();
    const dryRun = args["dry-run"] === true;
    const recovery = await backend.recover({
      mode: args.mode,
      ...(dir === undefined ? {} : { quarantineDir: resolve(context.cwd, dir) }),
      ...(args.force === true ? { force: true } : {}),
      ...(dryRun ? { dryRun: true } : {}),
      onProgress,
    });
    // A dry run changed nothing: its report says what is there now.
    const scan = dryRun ? recovery.scan_before : await backend.scan({ onProgress });
    context.out.finish();
    return {
      exitCode: scan.anomalies.length ? ExitCode.anomaliesRemain : ExitCode.ok,
      data: { store: info, dry_run: dryRun, recovery, scan_after: scan },
      print(out) {
        out.pairs([["Store", storeLine(info)]], LABEL_WIDTH);
        printScan(out, "Before", recovery.scan_before);
        printRecovery(out, recovery, dryRun);
        if (!dryRun) printScan(out, "After", scan);
      },
    };
  });
}

/**
 * `persistence compact`: removes what retention excludes; damage means exit 2, data that is
 * not a store exit 65 (unless `--force`); `--dry-run` reports and changes nothing.
 */
export async function compactCommand(
  context: CliContext,
  args: { force?: boolean; "dry-run"?: boolean } & Record<string, unknown>,
): Promise<CommandResult> {
  return withStore(context, args, async ({ backend, info }) => {
    if (typeof backend.compact !== "function") throw unsupported(info.backend, "compaction");
    const dryRun = args["dry-run"] === true;
    const compaction = await backend.compact({
      ...(args.force === true ? { force: true } : {}),
      ...(dryRun ? { dryRun: true } : {}),
      onProgress: context.out.progress(),
    });
    context.out.finish();
    return {
      exitCode: ExitCode.ok,
      data: { store: info, dry_run: dryRun, compaction },
      print(out) {
        out.pairs([["Store", storeLine(info)]], LABEL_WIDTH);
        printCompaction(out, compaction, dryRun);
      },
    };
  });
}

interface KindSummary {
  count: number;
  oldest: number | null;
  newest: number | null;
}

async function summarizeKind(list: () => Promise<{ timestamp: number }[]>): Promise<KindSummary> {
  const records = await list();
  return {
    count: records.length,
    oldest: records[0]?.timestamp ?? null,
    newest: records[records.length - 1]?.timestamp ?? null,
  };
}

/** Counts and time spans of each record kind, as reads return them (retention applied). */
export async function recordCounts(
  backend: PersistenceBackend,
): Promise<Record<string, KindSummary>> {
  return {
    events: await summarizeKind(() => backend.listEvents()),
    audits: await summarizeKind(() => backend.listAudits()),
    dead_letters: await summarizeKind(() => backend.listDeadLetters()),
  };
}

/** `persistence inspect`: what the store holds, its capabilities and retention. */
export async function persistenceInspectCommand(
  context: CliContext,
  args: { "show-metrics"?: boolean } & Record<string, unknown>,
): Promise<CommandResult> {
  return withStore(context, args, async ({ backend, info }) => {
    const capabilities = backendCapabilities(backend);
    const counts = await recordCounts(backend);
    const lastEvent = (await backend.listEvents({ limit: 1 }))[0];
    const metrics: StoredMetricsView | undefined = args["show-metrics"]
      ? await readMetrics(backend, info.backend)
      : undefined;
    const retention = capabilities.retention ? (backend.retention ?? null) : null;
    return {
      exitCode: ExitCode.ok,
      data: {
        store: info,
        capabilities,
        retention,
        records: counts,
        ...(metrics ? { metrics } : {}),
      },
      print(out) {
        out.pairs(
          [
            ["Store", storeLine(info)],
            ["Capabilities", capabilityList(capabilities)],
            [
              "Retention",
              retention && Object.keys(retention).length ? JSON.stringify(retention) : "none",
            ],
          ],
          LABEL_WIDTH,
        );
        out.line();
        out.table([
          ["KIND", "RECORDS", "OLDEST", "NEWEST"],
          ...Object.entries(counts).map(([kind, summary]) => [
            kind,
            String(summary.count),
            summary.oldest === null ? "-" : formatTimestamp(summary.oldest),
            summary.newest === null ? "-" : formatTimestamp(summary.newest),
          ]),
        ]);
        if (lastEvent) {
          out.line();
          out.pairs(
            [["Last event", `${lastEvent.event_type} ${formatAddress(lastEvent.actor_address)}`]],
            LABEL_WIDTH,
          );
        }
        if (metrics) {
          out.line();
          printStoredMetrics(out, metrics);
        }
      },
    };
  });
}
