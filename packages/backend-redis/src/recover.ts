import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import {
  PersistenceValidationError,
  RECOVERY_MODES,
  type RecoveryConfig,
  type RecoveryReport,
} from "@papyra/core";
import type { StoreContext } from "./context.js";
import { type DamagedEntry, scanStreams } from "./scan.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function validateConfig(
  config: RecoveryConfig | undefined,
  quarantineKeyConfigured: boolean,
): RecoveryConfig {
  const mode = config?.mode ?? "repair";
  if (!RECOVERY_MODES.includes(mode)) {
    throw new PersistenceValidationError("recovery config", [
      { path: "mode", message: `mode must be one of ${RECOVERY_MODES.join(", ")}` },
    ]);
  }
  if (config?.quarantineDir !== undefined && config.quarantineDir.length === 0) {
    throw new PersistenceValidationError("recovery config", [
      { path: "quarantineDir", message: "quarantineDir must not be empty" },
    ]);
  }
  if (mode === "quarantine" && config?.quarantineDir === undefined && !quarantineKeyConfigured) {
    throw new PersistenceValidationError("recovery config", [
      {
        path: "quarantineDir",
        message:
          "quarantine mode needs quarantineDir (a directory for copies of the damaged entries), unless the store was opened with a quarantineKey option",
      },
    ]);
  }
  return { ...config, mode };
}

/** One quarantined entry as a line of the optional quarantine file. */
function quarantineLine(damaged: DamagedEntry): string {
  const fields = damaged.entry.fields ?? [];
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
  return `${JSON.stringify({ source_key: damaged.key, source_id: damaged.entry.id, encoding, fields: pairs })}\n`;
}

/**
 * Repairs the store by deleting damaged entries (XDEL). In quarantine mode each damaged entry
 * is first copied whole to the quarantine stream (fields `source_key`, `source_id`, then every
 * original field and value, byte for byte) and, when `quarantineDir` is given, appended to an
 * NDJSON file there and fsynced, before it is deleted: a crash in between leaves a copy, never
 * a loss. As SPEC §5 says, quarantine needs `quarantineDir`, unless the store was opened with
 * an explicit `quarantineKey` (then the stream alone is the quarantine).
 */
export async function recoverStreams(
  context: StoreContext,
  rawConfig: RecoveryConfig | undefined,
): Promise<RecoveryReport> {
  const config = validateConfig(rawConfig, context.options.quarantineKey !== undefined);
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

  const repaired = new Set<string>();
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
        await context.client.xadd(
          context.keys.quarantine,
          "*",
          "source_key",
          damaged.key,
          "source_id",
          damaged.entry.id,
          ...(damaged.entry.fields ?? []),
        );
      }
      report.dropped_damaged += await context.client.xdel(damaged.key, damaged.entry.id);
      repaired.add(damaged.key);
    });
  } finally {
    await file?.close();
  }
  report.repaired_files = [...repaired];
  if (quarantine) {
    report.quarantined_files = [context.keys.quarantine, ...(filePath ? [filePath] : [])];
  }
  report.scan_after = await scanStreams(context, scanOptions);
  return report;
}
