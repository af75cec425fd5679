import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { openRotatingStore } from "@papyra/backend-rotating";
import { afterAll, describe, expect, it } from "vitest";
import {
  event,
  papyra,
  papyraJson,
  snapshotDir,
  startWriter,
  tempProject,
  writeThrough,
} from "./helpers.js";

/** Names in `dir` that tools would take for part of the store `name` (`name*`). */
function matching(dir: string, name: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.startsWith(name))
    .sort();
}

/** Waits for a child process to exit. */
function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

describe("files Papyra keeps beside a store never match NAME* (SPEC §9)", () => {
  it("JSON store: after writing, scan, compact, recover, doctor and metrics, only the store matches", async () => {
    const dir = tempProject();
    const path = join(dir, "papyra.ndjson");
    const writer = await startWriter(path);
    await writeThrough(writer, 20);
    writer.stdin?.end();
    await exited(writer);
    appendFileSync(path, "torn garbage\n");
    const runs = [];
    for (const args of [
      ["persistence", "scan"],
      ["persistence", "recover"],
      ["persistence", "compact", "--json-retention-max-records", "5"],
      ["doctor", "run"],
      ["metrics", "persistence"],
      ["metrics", "reset"],
    ]) {
      runs.push((await papyra(args, { cwd: dir })).code);
    }
    appendFileSync(path, "more garbage\n");
    const quarantine = ["persistence", "recover", "--mode", "quarantine", "--quarantine-dir", "."];
    runs.push((await papyra(quarantine, { cwd: dir })).code);
    expect(runs).toEqual([2, 0, 0, 0, 0, 0, 0]);
    expect(matching(dir, "papyra.ndjson")).toEqual(["papyra.ndjson"]);
    expect(readdirSync(dir).filter((n) => n.startsWith("quarantined-"))).toHaveLength(1);
    expect(existsSync(join(dir, ".papyra.ndjson.metrics.json"))).toBe(true);
    expect(existsSync(join(dir, ".papyra.ndjson.scan.json"))).toBe(true);
  });

  it("rotating store: only segments match papyra.log*, and scans never call a sidecar an orphan", async () => {
    const cwd = tempProject({
      "papyra.config.json": JSON.stringify({
        backend: "rotating",
        options: { path: "papyra.log", maxBytes: 800, maxFiles: 4 },
      }),
    });
    const store = await openRotatingStore({
      path: join(cwd, "papyra.log"),
      maxBytes: 800,
      maxFiles: 4,
    });
    for (let i = 0; i < 20; i++)
      await store.recordEvent(event(i, "ActorStarted", `a${i}`).record as never);
    await store.close();
    for (const args of [
      ["persistence", "scan"],
      ["persistence", "compact"],
      ["persistence", "recover"],
      ["metrics", "persistence"],
      ["doctor", "run"],
    ]) {
      const { code, doc } = await papyraJson(args, { cwd });
      expect([args.join(" "), code]).toEqual([args.join(" "), 0]);
      const scan = (doc.scan ?? (doc.check as { scan?: unknown } | undefined)?.scan) as
        | { anomalies: unknown[] }
        | undefined;
      if (scan) expect(scan.anomalies).toEqual([]);
    }
    expect(matching(cwd, "papyra.log")).toEqual([
      "papyra.log",
      "papyra.log.1",
      "papyra.log.2",
      "papyra.log.3",
    ]);
  });
});

describe("stores with first-release sidecar names", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  it("read-only commands read old-style metrics without writing; old temp files are recognised", async () => {
    const dir = tempProject();
    const lines = Array.from({ length: 3 }, (_, i) => event(i + 1, "ActorStarted", "a"));
    writeFileSync(
      join(dir, "papyra.ndjson"),
      lines.map((r) => `${JSON.stringify({ kind: r.kind, ...r.record })}\n`).join(""),
    );
    writeFileSync(
      join(dir, "papyra.ndjson.metrics.json"),
      JSON.stringify({
        counters: { records_written: 7, scan_operations: 2 },
        since: null,
        generation: 0,
      }),
    );
    writeFileSync(join(dir, "papyra.ndjson.tmp-999999-abcdef01"), "half a rewrite");
    const before = snapshotDir(dir);
    const metrics = await papyraJson(["metrics", "persistence"], { cwd: dir });
    expect(metrics.doc).toMatchObject({
      metrics: { counters: { records_written: 7, scan_operations: 2 } },
    });
    expect(snapshotDir(dir)).toEqual(before);
    const scan = await papyraJson(["persistence", "scan"], { cwd: dir });
    expect(scan.doc).toMatchObject({
      scan: {
        anomalies: [
          { type: "UNEXPECTED_FILE", path: join(dir, "papyra.ndjson.tmp-999999-abcdef01") },
        ],
      },
    });
    expect((await papyra(["persistence", "recover"], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, "papyra.ndjson.tmp-999999-abcdef01"))).toBe(false);
  });

  it("an old-style lock held by a live process blocks recovery (75); a stale one does not", async () => {
    const dir = tempProject();
    const record = `${JSON.stringify({ kind: "event", ...event(1, "A", "a").record })}\n`;
    writeFileSync(join(dir, "papyra.ndjson"), `garbage\n${record.repeat(3)}`);
    const sleeper = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
      stdio: "ignore",
    });
    children.push(sleeper);
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const lock = (pid: number) =>
      JSON.stringify({
        pid,
        hostname: hostname(),
        acquiredAt: Date.now() / 1000,
        bootId,
        token: "old",
      });
    writeFileSync(join(dir, "papyra.ndjson.lock"), lock(sleeper.pid as number));
    const before = snapshotDir(dir);
    const locked = await papyra(["persistence", "recover"], { cwd: dir });
    expect(locked.code).toBe(75);
    expect(locked.stderr).toContain(`process ${sleeper.pid}`);
    // The store and the old lock are untouched (the failed attempt is only counted).
    const after = snapshotDir(dir);
    for (const name of ["papyra.ndjson", "papyra.ndjson.lock"]) {
      expect(after[name]).toBe(before[name]);
    }
    sleeper.kill("SIGKILL");
    await exited(sleeper);
    const recovered = await papyra(["persistence", "recover"], { cwd: dir });
    expect(recovered.code).toBe(0);
    expect(matching(dir, "papyra.ndjson")).toEqual(["papyra.ndjson"]);
  });
});
