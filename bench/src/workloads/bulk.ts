import { statSync } from "node:fs";
import { requireBackend } from "../backends.js";
import { plainPass } from "../baselines/plain-pass.js";
import type { BulkOp, BulkResult } from "../tasks.js";

/**
 * One pass over a big JSON store: a full scan, a repair (the store has one corrupted line
 * half-way), a compaction (retention drops the oldest records), or the plain pass.
 */
export async function runBulk(task: {
  op: BulkOp;
  path: string;
  keepRecords?: number;
}): Promise<BulkResult> {
  const bytes = statSync(task.path).size;
  if (task.op === "plain") {
    const start = performance.now();
    const result = await plainPass(task.path);
    return {
      ms: performance.now() - start,
      bytes,
      records: result.records,
      detail: `${result.lines} lines parsed`,
    };
  }
  const open = await requireBackend("json");
  const retention = task.keepRecords !== undefined ? { maxRecords: task.keepRecords } : undefined;
  const t0 = performance.now();
  const backend = await open(retention ? { path: task.path, retention } : { path: task.path });
  const openMs = performance.now() - t0;
  try {
    const start = performance.now();
    if (task.op === "scan") {
      if (!backend.scan) throw new Error("json backend has no scan()");
      const report = await backend.scan();
      return {
        ms: performance.now() - start,
        bytes,
        records: report.records_scanned,
        detail: `${report.anomalies.length} anomalies; open ${openMs.toFixed(1)} ms`,
      };
    }
    if (task.op === "recover") {
      if (!backend.recover) throw new Error("json backend has no recover()");
      const report = await backend.recover({ mode: "repair" });
      return {
        ms: performance.now() - start,
        bytes,
        records: report.scan_after.records_scanned,
        detail: `dropped ${report.dropped_damaged} damaged, ${report.scan_after.anomalies.length} anomalies after; open ${openMs.toFixed(1)} ms`,
      };
    }
    if (!backend.compact) throw new Error("json backend has no compact()");
    const report = await backend.compact();
    return {
      ms: performance.now() - start,
      bytes,
      records: report.before_records,
      detail: `removed ${report.removed_records} of ${report.before_records}; open ${openMs.toFixed(1)} ms`,
    };
  } finally {
    await backend.close();
  }
}
