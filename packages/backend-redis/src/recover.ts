import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import {
  PersistenceValidationError,
  RECOVERY_MODES,
  type RecoveryConfig,
  type RecoveryReport,
} from "@papyra/core";
import type { StoreContext } from "./context.js";
import { dataField } from "./entries.js";
import { quarantineStreamKey } from "./keys.js";
import { type DamagedEntry, scanStreams } from "./scan.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Validates a recovery config for a Redis store: quarantine may use the streams alone. */
export function validateStreamsRecoveryConfig(
  config: RecoveryConfig | undefined,
  quarantinePrefixConfigured: boolean,
): RecoveryConfig {
  const mode = config?.mode ?? "repair";
  if (!RECOVERY_MODES.includes(mode)) {
    throw new PersistenceValidationError("recovery config", [
      { path: "mode", message: `mode must be one of ${RECOVERY_MODES.join(", ")}` },
    ]);
  }
  for (const flag of ["force", "dryRun"] as const) {
    const value = config?.[flag];
    if (value !== undefined && typeof value !== "boolean") {
      throw new PersistenceValidationError("recovery config", [
        { path: flag, message: `${flag} must be true or false` },
      ]);
    }
  }
  if (config?.quarantineDir !== undefined && config.quarantineDir.length === 0) {
    throw new PersistenceValidationError("recovery config", [
      { path: "quarantineDir", message: "quarantineDir must not be empty" },
    ]);
  }
  if (mode === "quarantine" && config?.quarantineDir === undefined && !quarantinePrefixConfigured) {
    throw new PersistenceValidationError("recovery config", [
      {
        path: "quarantineDir",
        message:
          "quarantine mode needs quarantineDir (a directory for copies of the damaged entries), unless the store was opened with a quarantinePrefix option",
      },
    ]);
  }
  return { ...config, mode };
}

/** An entry's fields as `[name, value]` pairs, as UTF-8 text or, if any is not, base64. */
function encodeFields(fields: readonly Buffer[]): {
  encoding: "utf8" | "base64";
  fields: [string, string][];
} {
  let encoding: "utf8" | "base64" = "utf8";
  try {
    for (const field of fields) utf8.decode(field);
  } catch {
    encoding = "base64";
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    pairs.push([
      (fields[i] as Buffer).toString(encoding),
      (fields[i + 1] as Buffer).toString(encoding),
    ]);
  }
  return { encoding, fields: pairs };
}

/** One quarantined entry as a line of the optional quarantine file. */
function quarantineLine(damaged: DamagedEntry): string {
  const { encoding, fields } = encodeFields(damaged.entry.fields ?? []);
  return `${JSON.stringify({ source_key: damaged.key, source_id: damaged.entry.id, encoding, fields })}\n`;
}

/**
 * The quarantine entry of a damaged one, in the earlier implementation's fields (`source`, the
 * stream key; `data`, the original `data` bytes or empty; `timestamp`, epoch seconds) plus
 * Papyra's: `source_id`, the original entry id, and, unless the entry was exactly one `data`
 * field, `fields`, the whole original entry as JSON (`{"encoding","fields":[[name,value]...]}`).
 */
function quarantineEntry(damaged: DamagedEntry): (string | Buffer)[] {
  const fields = damaged.entry.fields ?? [];
  const data = dataField(fields);
  const entry: (string | Buffer)[] = [
    "source",
    damaged.key,
    "data",
    data ?? "",
    "timestamp",
    String(Date.now() / 1000),
    "source_id",
    damaged.entry.id,
  ];
  if (fields.length !== 2 || data === undefined) {
    entry.push("fields", JSON.stringify(encodeFields(fields)));
  }
  return entry;
}

/**
 * What a recovery would do, changing nothing: every damaged entry would be deleted (and, in
 * quarantine mode, copied to its stream's quarantine stream and, with `quarantineDir`, to a
 * file there whose time part is only known when it is written).
 */
function dryRunReport(
  context: StoreContext,
  report: RecoveryReport,
  config: RecoveryConfig,
): RecoveryReport {
  const damaged = report.scan_before.anomalies.filter((a) => a.type !== "UNEXPECTED_FILE");
  const keys = [...new Set(damaged.map((a) => a.path))];
  report.dry_run = true;
  report.dropped_damaged = damaged.length;
  report.repaired_files = keys;
  if (config.mode === "quarantine") {
    report.quarantined_files = keys.map((key) => quarantineStreamKey(context.keys, key));
    if (config.quarantineDir !== undefined) {
      report.quarantined_files.push(join(config.quarantineDir, "redis-<prefix>-<time>.ndjson"));
    }
  }
  return report;
}

/**
 * Repairs the store by deleting damaged entries (XDEL). In quarantine mode each damaged entry
 * is first copied to the quarantine stream of its stream (see {@link quarantineEntry}) and,
 * when `quarantineDir` is given, appended to an NDJSON file there and fsynced, before it is
 * deleted: a crash in between leaves a copy, never a loss. As SPEC §5 says, quarantine needs
 * `quarantineDir`, unless the store was opened with an explicit `quarantinePrefix` (then the
 * streams alone are the quarantine).
 */
export async function recoverStreams(
  context: StoreContext,
  rawConfig: RecoveryConfig | undefined,
): Promise<RecoveryReport> {
  const config = validateStreamsRecoveryConfig(
    rawConfig,
    context.options.quarantinePrefix !== undefined,
  );
  const scanOptions = { signal: config.signal, onProgress: config.onProgress };
  const scanBefore = await scanStreams(context, scanOptions);
  const repairable = scanBefore.anomalies.filter((a) => a.type !== "UNEXPECTED_FILE").length;
  const report: RecoveryReport = {
    mode: config.mode,
    scan_before: scanBefore,
    repaired_files: [],
    quarantined_files: [],
    dropped_damaged: 0,
    dropped_by_retention: 0,
    scan_after: scanBefore,
  };
  if (config.mode === "ignore" || repairable === 0) return report;
  if (config.dryRun) return dryRunReport(context, report, config);

  const repaired = new Set<string>();
  const quarantined = new Set<string>();
  const quarantine = config.mode === "quarantine";
  let file: Awaited<ReturnType<typeof open>> | undefined;
  let filePath: string | undefined;
  try {
    await scanStreams(context, scanOptions, async (damaged) => {
      if (quarantine) {
        if (config.quarantineDir !== undefined) {
          if (!file) {
            await mkdir(config.quarantineDir, { recursive: true });
            const stamp = new Date().toISOString().replace(/[:.]/g, "-");
            const safe = `${context.keys.metrics.replace(/:metrics$/, "")}`.replace(
              /[^\w.-]+/g,
              "_",
            );
            filePath = join(config.quarantineDir, `redis-${safe}-${stamp}.ndjson`);
            file = await open(filePath, "a");
          }
          await file.appendFile(quarantineLine(damaged));
          await file.sync();
        }
        const target = quarantineStreamKey(context.keys, damaged.key);
        const copy = quarantineEntry(damaged);
        await context.call((client) => client.xadd(target, "*", ...copy));
        quarantined.add(target);
      }
      report.dropped_damaged += await context.call((client) =>
        client.xdel(damaged.key, damaged.entry.id),
      );
      repaired.add(damaged.key);
    });
  } finally {
    await file?.close();
  }
  report.repaired_files = [...repaired];
  if (quarantine) {
    report.quarantined_files = [...quarantined, ...(filePath ? [filePath] : [])];
  }
  report.scan_after = await scanStreams(context, scanOptions);
  return report;
}
