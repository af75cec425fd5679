import { statSync } from "node:fs";
import { runStartupCheck } from "@papyra/core";
import { requireBackend } from "../backends.js";
import { eventLine, eventPool, recordSource } from "../records.js";
import type { StartupResult } from "../tasks.js";

/**
 * Startup checks (`fail_on_anomaly`) on a JSON store: first on a store never checked, then,
 * `reps` times, after `appendBytes` were appended by the backend to a store checked clean.
 */
export async function runStartup(task: {
  path: string;
  reps: number;
  appendBytes: number;
  verifyFull: boolean;
}): Promise<StartupResult> {
  const open = await requireBackend("json");
  let backend = await open({ path: task.path });
  let start = performance.now();
  const first = await runStartupCheck(backend, { mode: "fail_on_anomaly" });
  const neverCheckedMs = performance.now() - start;
  await backend.close();

  const next = recordSource(eventPool(4096, 99));
  const result: StartupResult = {
    neverCheckedMs,
    neverCheckedIncremental: first.scan?.incremental ?? false,
    neverCheckedBytes: first.scan?.bytes_scanned ?? null,
    afterAppendMs: [],
    afterAppendOpenMs: [],
    afterAppendIncremental: [],
    afterAppendBytes: [],
    appendedRecords: 0,
    fullScan: null,
  };
  for (let rep = 0; rep < task.reps; rep++) {
    backend = await open({ path: task.path });
    let appended = 0;
    const writer = async (): Promise<void> => {
      while (appended < task.appendBytes) {
        const event = next();
        appended += Buffer.byteLength(eventLine(event)) + 1;
        await backend.recordEvent(event);
        result.appendedRecords++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    await backend.close();

    start = performance.now();
    backend = await open({ path: task.path });
    const opened = performance.now();
    const check = await runStartupCheck(backend, { mode: "fail_on_anomaly" });
    const done = performance.now();
    await backend.close();
    result.afterAppendOpenMs.push(opened - start);
    result.afterAppendMs.push(done - opened);
    result.afterAppendIncremental.push(check.scan?.incremental ?? false);
    result.afterAppendBytes.push(check.scan?.bytes_scanned ?? null);
  }
  if (!task.verifyFull) return result;
  backend = await open({ path: task.path });
  try {
    if (!backend.scan) throw new Error("json backend has no scan()");
    const full = await backend.scan();
    result.fullScan = {
      incremental: full.incremental,
      records: full.records_scanned,
      bytes: full.bytes_scanned,
      fileBytes: statSync(task.path).size,
    };
  } finally {
    await backend.close();
  }
  return result;
}
