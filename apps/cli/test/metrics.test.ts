import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { METRIC_NAMES } from "@papyra/core";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import {
  event,
  papyra,
  papyraJson,
  startWriter,
  tempProject,
  writeStore,
  writeThrough,
} from "./helpers.js";

async function storedCounters(cwd: string): Promise<Record<string, number>> {
  const { doc } = await papyraJson(["metrics", "persistence"], { cwd });
  return (doc.metrics as { counters: Record<string, number> }).counters;
}

describe("metrics persistence | reset", () => {
  it("shows the counters the store kept across CLI processes, and reset zeroes them", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), [
      event(1, "A", "a"),
      event(2, "B", "a"),
      event(3, "C", "a"),
    ]);
    await papyra(["persistence", "scan"], { cwd: dir });
    await papyra(["persistence", "scan"], { cwd: dir });
    await papyra(["inspect", "events"], { cwd: dir });
    const human = await papyra(["metrics", "persistence"], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("scan_operations:       2\n");
    expect(human.stdout).toContain("records_read:          3\n");
    expect(human.stdout).toContain("since: never reset\n");

    const reset = await papyraJson(["metrics", "reset"], { cwd: dir });
    expect(reset.code).toBe(0);
    expect(reset.doc).toMatchObject({ command: "metrics reset", ok: true, reset: true });
    const after = await papyraJson(["metrics", "persistence"], { cwd: dir });
    const metrics = after.doc.metrics as {
      available: boolean;
      counters: Record<string, number>;
      since: number;
    };
    expect(metrics.available).toBe(true);
    expect(Object.values(metrics.counters).every((n) => n === 0)).toBe(true);
    expect(metrics.since).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  it("counts what a running writer in another process wrote; after a reset it counts from zero", async () => {
    const dir = tempProject();
    const writer = await startWriter(join(dir, "papyra.ndjson"));
    await writeThrough(writer, 3);
    // The writer adds its counts to the store off the write path (about once a second).
    let counters = await storedCounters(dir);
    for (let i = 0; i < 40 && counters.records_written !== 3; i++) {
      await sleep(250);
      counters = await storedCounters(dir);
    }
    expect(counters.records_written).toBe(3);

    expect((await papyra(["metrics", "reset"], { cwd: dir })).code).toBe(0);
    let writtenSinceReset = 0;
    for (let i = 0; i < 40; i++) {
      await writeThrough(writer, 1);
      writtenSinceReset += 1;
      await sleep(250);
      counters = await storedCounters(dir);
      if ((counters.records_written ?? 0) > 0) break;
    }
    // Only writes after the reset count; the three before it never come back.
    expect(counters.records_written).toBeGreaterThan(0);
    expect(counters.records_written).toBeLessThanOrEqual(writtenSinceReset);
    writer.kill("SIGKILL");
  });

  it("a backend without durable metrics says its metrics live in its own process, exit 0", async () => {
    const dir = tempProject();
    const [human, json, reset] = await Promise.all([
      papyra(["metrics", "persistence", "--backend", "memory"], { cwd: dir }),
      papyraJson(["metrics", "persistence", "--backend", "memory"], { cwd: dir }),
      papyra(["metrics", "reset", "--backend", "memory"], { cwd: dir }),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("metrics: <unavailable>");
    expect(human.stdout).toMatch(/only in the process/);
    expect(json.doc).toMatchObject({ ok: true, metrics: { available: false, counters: null } });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/nothing to reset/);
  });

  it("exits 66 when there is no store (a mistyped directory), 69 when it cannot be opened", async () => {
    const cwd = tempProject({ "a-directory/keep.txt": "" });
    const runs = await Promise.all([
      papyra(["metrics", "persistence", "--path", "no/such/dir.ndjson"], { cwd }),
      papyra(["metrics", "reset", "--path", "no/such/dir.ndjson"], { cwd }),
      papyra(["metrics", "persistence", "--path", "a-directory"], { cwd }),
      papyra(["metrics", "reset", "--path", "a-directory"], { cwd }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([66, 66, 69, 69]);
  });
});

describe("metrics persistence --format", () => {
  it("prometheus: the durable counters in text exposition format, read back by a real parser", async () => {
    const dir = tempProject();
    const path = join(dir, "papyra.ndjson");
    writeStore(path, [event(1, "A", "a"), event(2, "B", "a")]);
    await papyra(["persistence", "scan"], { cwd: dir });
    const { doc } = await papyraJson(["metrics", "persistence"], { cwd: dir });
    const counters = (doc.metrics as { counters: Record<string, number> }).counters;

    const run = await papyra(["metrics", "persistence", "--format", "prometheus"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith("\n")).toBe(true);
    const families = parsePrometheusTextFormat(run.stdout);
    expect(families.map((f) => f.name)).toEqual(METRIC_NAMES.map((name) => `papyra_${name}_total`));
    for (const family of families) {
      expect(family.type).toBe("COUNTER");
      expect(family.help.length).toBeGreaterThan(0);
      expect(family.metrics).toHaveLength(1);
      const [sample] = family.metrics;
      expect(sample?.labels).toEqual({ papyra_backend: "json", papyra_store: path });
      const name = family.name.slice("papyra_".length, -"_total".length);
      expect(Number(sample?.value)).toBe(counters[name] ?? 0);
    }
    expect(counters.scan_operations).toBeGreaterThan(0);
  });

  it("json is the --json document; --json with prometheus and unknown formats are usage errors", async () => {
    const dir = tempProject();
    writeStore(join(dir, "papyra.ndjson"), [event(1, "A", "a")]);
    const viaFormat = await papyra(["metrics", "persistence", "--format", "json"], { cwd: dir });
    expect(viaFormat.code).toBe(0);
    const doc = JSON.parse(viaFormat.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ command: "metrics persistence", ok: true, exit_code: 0 });
    expect(doc.metrics).toMatchObject({ available: true });

    const both = await papyra(["metrics", "persistence", "--format", "prometheus", "--json"], {
      cwd: dir,
    });
    expect(both.code).toBe(64);
    const unknown = await papyra(["metrics", "persistence", "--format", "xml"], { cwd: dir });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("prometheus");
  });

  it("prometheus from a store without durable counters fails (exit 64) instead of printing nothing", async () => {
    const dir = tempProject();
    const run = await papyra(
      ["metrics", "persistence", "--format", "prometheus", "--backend", "memory"],
      { cwd: dir },
    );
    expect(run.code).toBe(64);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("durable metrics");
  });
});
