import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Contender,
  spawnUnrelated,
  startContenders,
  stopProcess,
} from "./lock-race-helpers.js";
import {
  createPsProbe,
  type LockRecord,
  type ProcessProbe,
  procfsProbe,
} from "./support/internals.js";

/**
 * Eight long-lived processes race for a stale lock, round after round. Each round the test
 * plants a lock left by a "crashed" writer (a process that really ran and was reaped, or a
 * live unrelated process whose pid the lock names with another start time), releases all
 * eight at once, and checks that exactly one took the lock and seven were refused, and that
 * the winner could create an O_EXCL marker file (no one else held the lock with it).
 */
function raceSuite(mode: "proc" | "ps", rounds: number, probe: ProcessProbe) {
  describe(`writer lock race (${mode} probe)`, () => {
    let dir: string;
    let contenders: Contender[] = [];
    let unrelated: Awaited<ReturnType<typeof spawnUnrelated>>;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "papyra-lock-race-"));
      unrelated = await spawnUnrelated();
      contenders = await startContenders(8, mode);
    });
    afterAll(async () => {
      await Promise.all(contenders.map((c) => c.stop()));
      if (unrelated) await stopProcess(unrelated);
      await rm(dir, { recursive: true, force: true });
    });

    /** A lock as a crashed writer leaves it; `kind` picks the pid it names. */
    async function plantStaleLock(lockPath: string, kind: "dead" | "legacy" | "reused") {
      const victim = kind === "reused" ? unrelated : await spawnUnrelated();
      const state = await probe.inspect(victim.pid as number);
      if (kind !== "reused") await stopProcess(victim);
      const record: LockRecord = {
        pid: victim.pid as number,
        hostname: hostname(),
        acquiredAt: Date.now() / 1000 - 60,
        token: randomBytes(8).toString("hex"),
      };
      const boot = probe.bootId();
      if (boot) record.bootId = boot;
      if (kind !== "legacy" && state.running && state.startTime !== undefined && probe.clock) {
        // A reused pid: the process now running under it started later than the holder did.
        const offset = kind === "reused" ? 100 : 0;
        record.startTime = String(Number(state.startTime) - offset);
        record.startClock = probe.clock;
      }
      await writeFile(lockPath, `${JSON.stringify(record)}\n`);
    }

    it(`exactly one of 8 processes takes a stale lock, ${rounds} rounds`, async () => {
      const lockPath = join(dir, ".store.ndjson.lock");
      const markerPath = join(dir, "holder.marker");
      const problems: string[] = [];
      const kinds = ["dead", "reused", "dead", "legacy"] as const;
      for (let round = 0; round < rounds; round++) {
        const kind = kinds[round % kinds.length] as (typeof kinds)[number];
        await plantStaleLock(lockPath, kind);
        const results = await Promise.all(contenders.map((c) => c.go(lockPath, markerPath)));
        const winners = results.filter((r) => r.outcome === "acquired");
        const refused = results.filter((r) => r.outcome === "PAPYRA_LOCKED");
        if (winners.length !== 1 || refused.length !== contenders.length - 1) {
          const others = results.filter((r) => r.outcome !== "acquired").map((r) => r.message);
          problems.push(`round ${round} (${kind}): ${winners.length} holders; ${others[0] ?? ""}`);
        }
        if (winners.some((w) => !w.exclusive)) {
          problems.push(`round ${round} (${kind}): two processes held the lock at once`);
        }
        await Promise.all(contenders.map((c) => c.end()));
        const left = await readdir(dir);
        if (left.length > 0) problems.push(`round ${round}: left behind ${left.join(", ")}`);
      }
      expect(problems).toEqual([]);
    }, 600_000);
  });
}

raceSuite("proc", 200, procfsProbe);
// The fallback for platforms without /proc, run here for real: every judgement spawns `ps`.
raceSuite("ps", 8, createPsProbe({ timeoutMs: 600_000 }));
