import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RecoveryConfig, RetentionPolicy } from "@papyra/core";
import {
  appendAcked,
  checkAcknowledged,
  checkStoredMetrics,
  concurrentAppends,
  markedIds,
  markStoredMetrics,
  numberedEvent,
  type PowerLossScenario,
  rawEventIds,
  restartAndList,
} from "@papyra/ndjson/testing";
import { RotatingFileBackend } from "../../src/index.js";

const STORE = "store.ndjson";

/** Segment paths of a set in `dir`, oldest first (`path.(maxFiles-1)` … `path.1`, `path`). */
function segmentPaths(dir: string, maxFiles: number): string[] {
  const paths: string[] = [];
  for (let i = maxFiles - 1; i >= 1; i--) paths.push(join(dir, `${STORE}.${i}`));
  paths.push(join(dir, STORE));
  return paths;
}

function lineOf(id: number): string {
  return `${JSON.stringify({ kind: "event", ...numberedEvent(id) })}\n`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

interface SetOptions {
  maxBytes: number;
  maxFiles: number;
  durability?: "os" | "fsync";
  retention?: RetentionPolicy;
}

function open(dir: string, options: SetOptions): Promise<RotatingFileBackend> {
  return RotatingFileBackend.open({
    path: join(dir, STORE),
    maxBytes: options.maxBytes,
    maxFiles: options.maxFiles,
    durability: options.durability ?? "fsync",
    retention: options.retention,
  });
}

/** fsync appends by `writers` concurrent writers into small segments (many rotations): every acknowledged record survives, exactly once. */
export function rotatingAppendScenario(
  writers: number,
  perWriter: number,
  durability: "os" | "fsync" = "fsync",
): PowerLossScenario {
  const written = new Set(range(0, writers * perWriter));
  // ~170-byte records: about 8 per segment; enough files that rotation never deletes one.
  const set: SetOptions = { maxBytes: 1400, maxFiles: 200, durability };
  return {
    name: `rotating: ${writers} concurrent writers x ${perWriter} ${durability} appends, rotating every ~8 records`,
    async workload(dir, recorder) {
      const store = await open(dir, set);
      await concurrentAppends(store, recorder, writers, perWriter);
      await store.close();
    },
    async check(dir, context) {
      const outcome = await restartAndList(() => open(dir, set));
      // `os` promises nothing across power loss but a store that restarts, no record twice, none invented.
      const acked = durability === "fsync" ? markedIds(context.marks) : [];
      return [...outcome.problems, ...checkAcknowledged(outcome.ids, acked, written)];
    },
  };
}

/**
 * Compaction with retention across a set of three segments, then fsync appends: a cut leaves
 * every segment old or new (never a mix inside one), nothing kept is lost, a finished
 * compaction persists.
 */
export function rotatingCompactionScenario(): PowerLossScenario {
  const set: SetOptions = { maxBytes: 4000, maxFiles: 5 };
  const segments = [range(0, 6), range(6, 12), range(12, 18)]; // oldest first
  const kept = new Set(range(11, 18)); // maxRecords 7 keeps the newest 7
  const after = range(100, 104);
  const written = new Set([...range(0, 18), ...after]);
  return {
    name: "rotating: compaction with retention across 3 segments (maxRecords 7 of 18), then appends",
    async setup(dir) {
      const paths = [`${STORE}.2`, `${STORE}.1`, STORE];
      for (const [i, ids] of segments.entries()) {
        await writeFile(join(dir, paths[i] as string), ids.map(lineOf).join(""));
      }
    },
    async workload(dir, recorder) {
      const store = await open(dir, { ...set, retention: { maxRecords: 7 } });
      await store.compact();
      recorder.mark("compacted");
      for (const id of after) await appendAcked(store, recorder, id);
      await store.close();
    },
    async check(dir, context) {
      const problems: string[] = [];
      const paths = [`${STORE}.2`, `${STORE}.1`, STORE];
      for (const [i, ids] of segments.entries()) {
        const present = (await rawEventIds([join(dir, paths[i] as string)])).filter(
          (id) => id < 100,
        );
        const old = ids.join(",");
        const fresh = ids.filter((id) => kept.has(id)).join(",");
        const found = present.join(",");
        if (found !== old && found !== fresh) {
          problems.push(`segment ${paths[i]} is neither old nor new: ${found}`);
        }
        if (context.marks.includes("compacted") && found !== fresh) {
          problems.push(`a finished compaction did not persist in ${paths[i]}: ${found}`);
        }
      }
      const outcome = await restartAndList(() => open(dir, set));
      return [
        ...problems,
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, [...kept, ...markedIds(context.marks)], written),
      ];
    },
  };
}

const DAMAGED = '{"kind":"event","system_id":"power-loss","broken\n';

/**
 * Repair of a set with a damaged rotated segment, or quarantine of one that also has an
 * orphaned segment (beyond maxFiles), then fsync appends: no valid record of the set is lost, and quarantine
 * never removes a file before its copy is on disk.
 */
export function rotatingRepairScenario(mode: "repair" | "quarantine"): PowerLossScenario {
  const set: SetOptions = { maxBytes: 4000, maxFiles: 3 };
  const after = range(100, 104);
  const written = new Set([...range(0, 15), ...after]);
  const quarantineDir = (dir: string) => join(dir, "quarantine", "rotating");
  const recovery = (dir: string): RecoveryConfig =>
    mode === "quarantine" ? { mode, quarantineDir: quarantineDir(dir) } : { mode };
  return {
    name: `rotating: ${mode} of a damaged segment${mode === "quarantine" ? " and an orphan" : ""}, then appends`,
    async setup(dir) {
      // An orphaned segment: repair never deletes one (the startup check would refuse), quarantine moves it.
      if (mode === "quarantine") {
        await writeFile(join(dir, `${STORE}.3`), range(10, 15).map(lineOf).join(""));
      }
      await writeFile(
        join(dir, `${STORE}.2`),
        [...range(0, 3).map(lineOf), DAMAGED, ...range(3, 5).map(lineOf)].join(""),
      );
      await writeFile(join(dir, `${STORE}.1`), range(5, 10).map(lineOf).join(""));
    },
    async workload(dir, recorder) {
      const store = await open(dir, set);
      await store.recover(recovery(dir));
      recorder.mark("recovered");
      for (const id of after) await appendAcked(store, recorder, id);
      await store.close();
    },
    async check(dir, context) {
      const problems: string[] = [];
      if (mode === "quarantine") {
        const names = await readdir(quarantineDir(dir)).catch(() => [] as string[]);
        const copies = await Promise.all(
          names.map((n) => readFile(join(quarantineDir(dir), n), "utf8")),
        );
        const segment = await readFile(join(dir, `${STORE}.2`), "utf8").catch(() => "");
        if (!segment.includes(DAMAGED) && !copies.some((c) => c.includes(DAMAGED))) {
          problems.push("the damaged segment was replaced but its quarantine copy is not on disk");
        }
        const orphan = await readFile(join(dir, `${STORE}.3`), "utf8").catch(() => null);
        if (orphan === null && !copies.some((c) => c.includes(lineOf(10)))) {
          problems.push("the orphaned segment was removed but its quarantine copy is not on disk");
        }
      }
      const inSet = (await rawEventIds(segmentPaths(dir, set.maxFiles))).filter((id) => id < 10);
      const lost = range(0, 10).filter((id) => !inSet.includes(id));
      if (lost.length > 0)
        problems.push(`valid records of the set lost by recovery: ${lost.join(", ")}`);
      const outcome = await restartAndList(() => open(dir, set), recovery(dir));
      return [
        ...problems,
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, [...range(0, 10), ...markedIds(context.marks)], written),
      ];
    },
  };
}

/** Scans (set checkpoint sidecar), metrics reads and resets between fsync appends with rotations. */
export function rotatingSidecarScenario(): PowerLossScenario {
  const set: SetOptions = { maxBytes: 1400, maxFiles: 50 };
  const written = new Set(range(0, 24));
  return {
    name: "rotating: checkpoint and metrics sidecars between appends and rotations",
    async workload(dir, recorder) {
      const store = await open(dir, set);
      await concurrentAppends(store, recorder, 4, 3, 0);
      await store.scan();
      await markStoredMetrics(store, recorder);
      await concurrentAppends(store, recorder, 4, 3, 12);
      recorder.mark("metrics:0"); // from here a reset may have zeroed the stored counters
      await store.resetStoredMetrics();
      await markStoredMetrics(store, recorder);
      await store.scan({ incremental: true });
      await store.close();
    },
    async check(dir, context) {
      const outcome = await restartAndList(() => open(dir, set));
      return [
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, markedIds(context.marks), written),
        ...checkStoredMetrics(outcome.metrics, context.marks),
      ];
    },
  };
}

/** Every rotating-store scenario, small enough to enumerate (`quick`: smaller still, for `pnpm test`). */
export function rotatingScenarios(size: "quick" | "full"): (() => PowerLossScenario)[] {
  const full = size === "full";
  return [
    () => rotatingAppendScenario(64, full ? 2 : 1),
    rotatingCompactionScenario,
    () => rotatingRepairScenario("repair"),
    () => rotatingRepairScenario("quarantine"),
    rotatingSidecarScenario,
    () => rotatingAppendScenario(8, full ? 4 : 2, "os"),
  ];
}

/** The large workload, sampled: 64 concurrent fsync writers and many rotations. */
export function largeRotatingScenario(size: "quick" | "full"): PowerLossScenario {
  return rotatingAppendScenario(64, size === "full" ? 8 : 3);
}
