import { spawnSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { RecoveryConfig } from "@papyra/core";
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
import { JsonFileBackend } from "../../src/index.js";

const STORE = "store.ndjson";

function lineOf(id: number): string {
  return `${JSON.stringify({ kind: "event", ...numberedEvent(id) })}\n`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

async function restart(
  dir: string,
  options: { durability?: "os" | "fsync"; retention?: { maxRecords?: number } } = {},
  recovery?: RecoveryConfig,
) {
  return restartAndList(
    () =>
      JsonFileBackend.open({
        path: join(dir, STORE),
        durability: options.durability ?? "fsync",
        retention: options.retention,
      }),
    recovery,
  );
}

/** fsync appends by `writers` concurrent writers: every acknowledged record survives, exactly once. */
export function concurrentAppendScenario(writers: number, perWriter: number): PowerLossScenario {
  const written = new Set(range(0, writers * perWriter));
  return {
    name: `json: ${writers} concurrent writers x ${perWriter} fsync appends`,
    async workload(dir, recorder) {
      const store = await JsonFileBackend.open({ path: join(dir, STORE), durability: "fsync" });
      await concurrentAppends(store, recorder, writers, perWriter);
      await store.close();
    },
    async check(dir, context) {
      const outcome = await restart(dir);
      return [
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, markedIds(context.marks), written),
      ];
    },
  };
}

/** `os` durability promises nothing across power loss but a store that restarts, with no record twice and none invented. */
export function osAppendScenario(writers: number, perWriter: number): PowerLossScenario {
  const written = new Set(range(0, writers * perWriter));
  return {
    name: `json: ${writers} concurrent writers x ${perWriter} os appends`,
    async workload(dir, recorder) {
      const store = await JsonFileBackend.open({ path: join(dir, STORE), durability: "os" });
      await concurrentAppends(store, recorder, writers, perWriter);
      await store.close();
    },
    async check(dir) {
      const outcome = await restart(dir, { durability: "os" });
      return [...outcome.problems, ...checkAcknowledged(outcome.ids, [], written)];
    },
  };
}

/**
 * Compaction with retention between fsync appends: a cut during the rewrite leaves the old or
 * the new content, never a mix, and every record acknowledged after it survives.
 */
export function compactionScenario(): PowerLossScenario {
  const old = range(0, 12);
  const kept = range(8, 12);
  const after = range(100, 106);
  const written = new Set([...old, ...after]);
  return {
    name: "json: compaction with retention (maxRecords 4 of 12), then appends",
    async setup(dir) {
      await writeFile(join(dir, STORE), old.map(lineOf).join(""));
    },
    async workload(dir, recorder) {
      const store = await JsonFileBackend.open({
        path: join(dir, STORE),
        durability: "fsync",
        retention: { maxRecords: 4 },
      });
      await store.compact();
      recorder.mark("compacted");
      for (const id of after) await appendAcked(store, recorder, id);
      await store.close();
    },
    async check(dir, context) {
      const raw = await rawEventIds([join(dir, STORE)]);
      const problems: string[] = [];
      const oldPresent = raw.filter((id) => id < 100).join(",");
      if (oldPresent !== old.join(",") && oldPresent !== kept.join(",")) {
        problems.push(`compaction left neither the old nor the new content: ${oldPresent}`);
      }
      if (context.marks.includes("compacted") && oldPresent !== kept.join(",")) {
        problems.push(`a finished compaction did not persist: ${oldPresent}`);
      }
      const outcome = await restart(dir, { retention: { maxRecords: 100 } });
      return [
        ...problems,
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, markedIds(context.marks), written),
      ];
    },
  };
}

const DAMAGED = '{"kind":"event","system_id":"power-loss","broken\n';

/** A store with a damaged line in the middle and a torn tail, every valid record durable. */
async function damagedBaseline(dir: string): Promise<void> {
  const lines = [...range(0, 5).map(lineOf), DAMAGED, ...range(5, 10).map(lineOf), '{"kind":"ev'];
  await writeFile(join(dir, STORE), lines.join(""));
}

/**
 * Repair (or quarantine) of a damaged store, then fsync appends: no valid record is ever
 * lost, and with quarantine, the damaged original is never gone without its copy.
 */
export function repairScenario(mode: "repair" | "quarantine"): PowerLossScenario {
  const valid = range(0, 10);
  const after = range(100, 104);
  const written = new Set([...valid, ...after]);
  const recovery = (dir: string): RecoveryConfig =>
    mode === "quarantine"
      ? { mode: "quarantine", quarantineDir: join(dir, "quarantine", "json") }
      : { mode: "repair" };
  return {
    name: `json: ${mode} of a damaged store, then appends`,
    setup: damagedBaseline,
    async workload(dir, recorder) {
      const store = await JsonFileBackend.open({ path: join(dir, STORE), durability: "fsync" });
      await store.recover(recovery(dir));
      recorder.mark("recovered");
      for (const id of after) await appendAcked(store, recorder, id);
      await store.close();
    },
    async check(dir, context) {
      const problems: string[] = [];
      const text = await readFile(join(dir, STORE), "utf8").catch(() => "");
      if (mode === "quarantine" && !text.includes(DAMAGED)) {
        const copies = await readdir(join(dir, "quarantine", "json")).catch(() => [] as string[]);
        const contents = await Promise.all(
          copies.map((name) => readFile(join(dir, "quarantine", "json", name), "utf8")),
        );
        if (!contents.some((content) => content.includes(DAMAGED))) {
          problems.push("the damaged original was replaced but its quarantine copy is not on disk");
        }
      }
      const outcome = await restart(dir, {}, recovery(dir));
      return [
        ...problems,
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, [...valid, ...markedIds(context.marks)], written),
      ];
    },
  };
}

/** Scans (checkpoint sidecar), metrics reads and resets (metrics sidecar) between fsync appends. */
export function sidecarScenario(): PowerLossScenario {
  const written = new Set(range(0, 24));
  return {
    name: "json: checkpoint and metrics sidecars between appends",
    async workload(dir, recorder) {
      const store = await JsonFileBackend.open({ path: join(dir, STORE), durability: "fsync" });
      await concurrentAppends(store, recorder, 4, 2, 0);
      await store.scan();
      await markStoredMetrics(store, recorder);
      await concurrentAppends(store, recorder, 4, 2, 8);
      recorder.mark("metrics:0"); // from here a reset may have zeroed the stored counters
      await store.resetStoredMetrics();
      await markStoredMetrics(store, recorder);
      await store.scan({ incremental: true });
      await concurrentAppends(store, recorder, 4, 2, 16);
      await store.close();
    },
    async check(dir, context) {
      const outcome = await restart(dir);
      return [
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, markedIds(context.marks), written),
        ...checkStoredMetrics(outcome.metrics, context.marks),
      ];
    },
  };
}

/** The pid of a process that has exited (a crashed writer's). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

/** A stale lock of a crashed writer is taken over, then fsync appends. */
export function lockTakeoverScenario(): PowerLossScenario {
  const valid = range(0, 3);
  const after = range(100, 106);
  const written = new Set([...valid, ...after]);
  return {
    name: "json: takeover of a crashed writer's lock, then appends",
    async setup(dir) {
      await writeFile(join(dir, STORE), valid.map(lineOf).join(""));
      const record = {
        pid: deadPid(),
        hostname: hostname(),
        acquiredAt: 1,
        token: "crashed0token0",
      };
      await writeFile(join(dir, `.${STORE}.lock`), `${JSON.stringify(record)}\n`);
    },
    async workload(dir, recorder) {
      const store = await JsonFileBackend.open({ path: join(dir, STORE), durability: "fsync" });
      for (const id of after) await appendAcked(store, recorder, id);
      await store.close();
    },
    async check(dir, context) {
      const outcome = await restart(dir);
      return [
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, [...valid, ...markedIds(context.marks)], written),
      ];
    },
  };
}

/**
 * A store still carrying first-release sidecars (`<name>.metrics.json` and `<name>.scan.json`
 * beside current ones): the writer's open migrates them, then fsync appends. Counters are
 * neither lost nor counted twice: the restart reads at least the first release's count and at
 * most that plus what the workload wrote.
 */
export function legacySidecarScenario(): PowerLossScenario {
  const legacyCount = 1000;
  const after = range(100, 104);
  const written = new Set(after);
  const metrics = (n: number) =>
    `${JSON.stringify({ counters: { records_written: n }, since: 1, generation: 0 })}\n`;
  return {
    name: "json: first-release sidecars migrated on open, then appends",
    async setup(dir) {
      await writeFile(join(dir, STORE), "");
      await writeFile(join(dir, `${STORE}.metrics.json`), metrics(legacyCount));
      await writeFile(join(dir, `.${STORE}.metrics.json`), metrics(0));
      await writeFile(join(dir, `${STORE}.scan.json`), "{}\n");
    },
    async workload(dir, recorder) {
      const store = await JsonFileBackend.open({ path: join(dir, STORE), durability: "fsync" });
      for (const id of after) await appendAcked(store, recorder, id);
      await store.close();
    },
    async check(dir, context) {
      const outcome = await restart(dir);
      const problems = [
        ...outcome.problems,
        ...checkAcknowledged(outcome.ids, markedIds(context.marks), written),
      ];
      const found = outcome.metrics?.counters.records_written;
      if (found !== undefined && (found < legacyCount || found > legacyCount + after.length)) {
        problems.push(
          `stored metrics count ${found} records written; expected ${legacyCount} to ${legacyCount + after.length}`,
        );
      }
      return problems;
    },
  };
}

/** Every JSON-store scenario, small enough to enumerate (`quick`: smaller still, for `pnpm test`). */
export function jsonScenarios(size: "quick" | "full"): (() => PowerLossScenario)[] {
  const full = size === "full";
  return [
    () => concurrentAppendScenario(64, full ? 2 : 1),
    compactionScenario,
    () => repairScenario("repair"),
    () => repairScenario("quarantine"),
    sidecarScenario,
    lockTakeoverScenario,
    legacySidecarScenario,
    () => osAppendScenario(8, full ? 4 : 2),
  ];
}

/** The large workload, sampled: 64 concurrent fsync writers. */
export function largeJsonScenario(size: "quick" | "full"): PowerLossScenario {
  return concurrentAppendScenario(64, size === "full" ? 16 : 4);
}
