import { spawn } from "node:child_process";
import { join } from "node:path";
import { encodeRecord, lineBytes, parseBackendOptions, runStartupCheck } from "@papyra/core";
import { type AppendFs, nodeAppendFs } from "@papyra/ndjson/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backend, openRotatingStore, RotatingFileBackend } from "../src/index.js";
import { event, filesOf, makeTempDir, removeDir } from "./helpers.js";

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const idsOf = (events: { payload: unknown }[]) =>
  events.map((e) => (e.payload as { id: number }).id);

describe("opening", () => {
  it("validates options with errors naming each field", async () => {
    await expect(openRotatingStore({ path: join(dir, "a.log"), maxFiles: 1 })).rejects.toThrow(
      /maxFiles: maxFiles must be at least 2/,
    );
    await expect(
      openRotatingStore({ path: join(dir, "a.log"), maxBytes: 0 }),
    ).rejects.toMatchObject({ code: "PAPYRA_CONFIGURATION" });
  });

  it("a missing directory is PersistenceUnavailableError", async () => {
    await expect(openRotatingStore({ path: join(dir, "nope", "a.log") })).rejects.toMatchObject({
      code: "PAPYRA_UNAVAILABLE",
    });
  });

  it("a second writer in this process is refused with an error naming the holder; readers need no lock", async () => {
    const path = join(dir, "a.log");
    const writer = await openRotatingStore({ path });
    await expect(openRotatingStore({ path })).rejects.toMatchObject({
      code: "PAPYRA_LOCKED",
      message: expect.stringContaining(`process ${process.pid}`),
    });
    const reader = await openRotatingStore({ path, readOnly: true });
    await writer.recordEvent(event(1));
    expect(idsOf(await reader.listEvents())).toEqual([1]);
    await expect(reader.recordEvent(event(2))).rejects.toMatchObject({
      code: "PAPYRA_UNAVAILABLE",
    });
    await writer.close();
    await reader.close();
    const again = await openRotatingStore({ path });
    await again.close();
  });

  it("a writer in another process locks out writers and maintenance; once it is killed, a restart takes over", async () => {
    const path = join(dir, "a.log");
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "crash-child.mjs"), "hold", path, "1000", "5"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          out += chunk;
          if (out.includes("ready\n")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
      });
      await expect(openRotatingStore({ path })).rejects.toMatchObject({
        code: "PAPYRA_LOCKED",
        holder: { pid: child.pid },
      });
      const reader = await openRotatingStore({ path, readOnly: true });
      expect(idsOf(await reader.listEvents())).toEqual([0]);
      await expect(reader.compact()).rejects.toMatchObject({ code: "PAPYRA_LOCKED" });
      await expect(reader.recover({ mode: "repair" })).rejects.toMatchObject({
        code: "PAPYRA_LOCKED",
      });
      await reader.close();
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
    const restarted = await openRotatingStore({ path });
    await restarted.recordEvent(event(1));
    expect(idsOf(await restarted.listEvents())).toEqual([0, 1]);
    await restarted.close();
  });
});

describe("the backend definition", () => {
  it("describes its options and resolves the path against the host's cwd", async () => {
    expect(backend.name).toBe("rotating");
    const shape = (
      backend.optionsSchema as unknown as { shape: Record<string, { description?: string }> }
    ).shape;
    for (const field of ["path", "maxBytes", "maxFiles", "durability", "retention"]) {
      expect(shape[field]?.description, field).toBeTruthy();
    }
    expect(() => parseBackendOptions(backend, { path: "x", maxFiles: 1 })).toThrow(/maxFiles/);
    expect(() => parseBackendOptions(backend, { path: "x", maxBytes: -5 })).toThrow(/maxBytes/);
    const options = parseBackendOptions(backend, {
      path: "store.log",
      maxBytes: 1000,
      maxFiles: 3,
    });
    const store = await backend.create(options, { cwd: dir, readOnly: false });
    expect(store).toBeInstanceOf(RotatingFileBackend);
    expect((store as RotatingFileBackend).path).toBe(join(dir, "store.log"));
    await store.recordEvent(event(1));
    const reader = await backend.create(options, { cwd: dir, readOnly: true });
    expect((reader as RotatingFileBackend).readOnly).toBe(true);
    expect(idsOf(await reader.listEvents())).toEqual([1]);
    await reader.close();
    await store.close();
  });
});

describe("write failures", () => {
  it("refuses a record too large to be read back (17 MiB payload), writing nothing; the store stays readable and clean", async () => {
    const store = await openRotatingStore({ path: join(dir, "a.log"), maxBytes: 1000 });
    const huge = event(1, 17 * 1024 * 1024);
    await expect(store.recordEvent(huge)).rejects.toMatchObject({
      code: "PAPYRA_VALIDATION",
      message: expect.stringMatching(/largest this store can read back is 16777216 bytes/),
    });
    expect(store.metrics.snapshot().write_errors).toBe(1);
    const files = await filesOf(dir, "a.log");
    expect(files.get("a.log")).toBe(0);
    expect(files.has("a.log.1")).toBe(false);
    await store.recordEvent(event(2, 3000)); // larger than maxBytes is fine: a segment of its own
    expect(idsOf(await store.listEvents())).toEqual([2]);
    expect((await store.scan()).anomalies).toEqual([]);
    await store.close();
  });

  // "os" writes on the event loop (writeSync), "fsync" on the thread pool (write): both fail.
  it.each(["os", "fsync"] as const)(
    "ENOSPC after a rotation rejects only the records not stored; earlier ones stay readable (%s)",
    async (durability) => {
      let writes = 0;
      let failFrom = Number.POSITIVE_INFINITY;
      const enospc = () => Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      const fs: AppendFs = {
        ...nodeAppendFs,
        write: (fd, buffer, offset, length) => {
          writes += 1;
          return writes >= failFrom
            ? Promise.reject(enospc())
            : nodeAppendFs.write(fd, buffer, offset, length);
        },
        writeSync: (fd, buffer, offset, length) => {
          writes += 1;
          if (writes >= failFrom) throw enospc();
          return nodeAppendFs.writeSync(fd, buffer, offset, length);
        },
      };
      const path = join(dir, "a.log");
      const size = lineBytes(encodeRecord("event", event(1, 40)));
      const store = await RotatingFileBackend.open(
        { path, maxBytes: 2 * size + 10, maxFiles: 10, durability },
        { appendFs: fs },
      );
      await store.recordEvent(event(1, 40));
      await store.recordEvent(event(2, 40));
      // One batch of four: rotate, write 3 and 4, rotate, write 5 and 6 -- which fails.
      failFrom = writes + 2;
      const results = await Promise.allSettled(
        [3, 4, 5, 6].map((id) => store.recordEvent(event(id, 40))),
      );
      expect(results.map((r) => r.status)).toEqual([
        "fulfilled",
        "fulfilled",
        "rejected",
        "rejected",
      ]);
      const reason = (results[2] as PromiseRejectedResult).reason as Error & { code: string };
      expect(reason.code).toBe("PAPYRA_UNAVAILABLE");
      expect(reason.message).toMatch(/disk is full/);
      expect(store.metrics.snapshot()).toMatchObject({ records_written: 4, write_errors: 2 });
      expect(idsOf(await store.listEvents())).toEqual([1, 2, 3, 4]);
      failFrom = Number.POSITIVE_INFINITY;
      await store.recordEvent(event(7, 40));
      expect(idsOf(await store.listEvents())).toEqual([1, 2, 3, 4, 7]);
      expect((await store.scan()).anomalies).toEqual([]);
      await store.close();
    },
  );
});

/** Writes 200 concurrent records across several rotations, counting pool writes and fdatasyncs. */
async function writeAcrossRotations(dir: string, durability: "os" | "fsync") {
  const counts = { writes: 0, syncs: 0 };
  const fs: AppendFs = {
    ...nodeAppendFs,
    write: (...args) => {
      counts.writes += 1;
      return nodeAppendFs.write(...args);
    },
    fdatasync: (fd) => {
      counts.syncs += 1;
      return nodeAppendFs.fdatasync(fd);
    },
  };
  const store = await RotatingFileBackend.open(
    { path: join(dir, "a.log"), maxBytes: 4000, maxFiles: 100, durability },
    { appendFs: fs },
  );
  await Promise.all([...Array(200).keys()].map((i) => store.recordEvent(event(i, 20))));
  expect(idsOf(await store.listEvents())).toEqual([...Array(200).keys()]);
  await store.close();
  const segments = [...(await filesOf(dir, "a.log")).keys()].filter((n) =>
    /^a\.log(\.\d+)?$/.test(n),
  );
  expect(segments.length).toBeGreaterThan(5);
  return { ...counts, segments: segments.length };
}

describe("durability", () => {
  it('"fsync" makes one fdatasync per write, and concurrent records share writes, also across rotations', async () => {
    const { writes, syncs, segments } = await writeAcrossRotations(dir, "fsync");
    // Group commit: far fewer writes than records. One write per chunk (a batch splits at each
    // rotation), each followed by its fdatasync, plus one fdatasync of each segment rotated away.
    expect(writes).toBeLessThan(200 / 4);
    expect(syncs).toBe(writes + segments - 1);
  });

  it('"os" rotates without any fdatasync: it promises to survive a process crash, not power loss', async () => {
    const { syncs } = await writeAcrossRotations(dir, "os");
    expect(syncs).toBe(0);
  });
});

describe("permission errors", () => {
  it("EACCES opening the new segment after a rotation rejects those records; writing resumes once fixed", async () => {
    let denied = false;
    const fs: AppendFs = {
      ...nodeAppendFs,
      open: (path, flags, mode) =>
        denied
          ? Promise.reject(Object.assign(new Error("permission denied"), { code: "EACCES" }))
          : nodeAppendFs.open(path, flags, mode),
    };
    const path = join(dir, "a.log");
    const size = lineBytes(encodeRecord("event", event(1, 40)));
    const store = await RotatingFileBackend.open(
      { path, maxBytes: 2 * size + 10, maxFiles: 10 },
      { appendFs: fs },
    );
    await store.recordEvent(event(1, 40));
    await store.recordEvent(event(2, 40));
    denied = true;
    await expect(store.recordEvent(event(3, 40))).rejects.toMatchObject({
      code: "PAPYRA_UNAVAILABLE",
      message: expect.stringMatching(/permission denied/),
    });
    await expect(store.recordEvent(event(4, 40))).rejects.toMatchObject({
      code: "PAPYRA_UNAVAILABLE",
    });
    expect(store.metrics.snapshot().write_errors).toBe(2);
    expect(idsOf(await store.listEvents())).toEqual([1, 2]);
    denied = false;
    await store.recordEvent(event(5, 40));
    expect(idsOf(await store.listEvents())).toEqual([1, 2, 5]);
    expect((await store.scan()).anomalies).toEqual([]);
    await store.close();
  });
});

describe("maintenance inside the writing process", () => {
  it("compaction plans retention across every segment and writes racing it are all kept", async () => {
    const path = join(dir, "a.log");
    const store = await openRotatingStore({
      path,
      maxBytes: 800,
      maxFiles: 1000,
      retention: { maxRecords: 25 },
    });
    for (let i = 0; i < 100; i++) await store.recordEvent(event(i, 30));
    const segmentsBefore = [...(await filesOf(dir, "a.log")).keys()].filter((n) =>
      /^a\.log(\.\d+)?$/.test(n),
    );
    expect(segmentsBefore.length).toBeGreaterThan(5);
    const racing = [100, 101, 102, 103].map((id) => store.recordEvent(event(id, 30)));
    const report = await store.compact();
    await Promise.all(racing);
    expect(report.removed_records).toBeGreaterThanOrEqual(75);
    expect(report.after_records).toBe(report.before_records - report.removed_records);
    expect(report.reclaimed_bytes).toBe((report.before_bytes ?? 0) - (report.after_bytes ?? 0));
    expect(idsOf(await store.listEvents())).toEqual([...Array(25).keys()].map((k) => 79 + k));
    // Writing goes on into the active segment after it was rewritten.
    await store.recordEvent(event(104, 30));
    expect(idsOf(await store.listEvents({ limit: 1 }))).toEqual([104]);
    expect((await store.scan()).anomalies).toEqual([]);
    await store.close();
    const reader = await openRotatingStore({ path, maxFiles: 1000, readOnly: true });
    const all = idsOf(await reader.listEvents());
    expect(all.slice(-26)).toEqual([...Array(26).keys()].map((k) => 79 + k));
    expect(all.length).toBeLessThanOrEqual(30);
    await reader.close();
  });

  it("an aborted compaction rejects with the signal's reason and counts as a compaction error", async () => {
    const path = join(dir, "a.log");
    const store = await openRotatingStore({
      path,
      maxBytes: 400,
      maxFiles: 50,
      retention: { maxRecords: 1 },
    });
    for (let i = 0; i < 20; i++) await store.recordEvent(event(i, 30));
    const controller = new AbortController();
    const reason = new Error("operator pressed ^C");
    controller.abort(reason);
    await expect(store.compact({ signal: controller.signal })).rejects.toBe(reason);
    expect(store.metrics.snapshot().compaction_errors).toBe(1);
    await expect(store.scan({ signal: controller.signal })).rejects.toBe(reason);
    await store.close();
    const reader = await openRotatingStore({ path, maxBytes: 400, maxFiles: 50, readOnly: true });
    expect(idsOf(await reader.listEvents())).toEqual([...Array(20).keys()]);
    await reader.close();
  });

  it("compaction refuses damage in any segment and changes nothing", async () => {
    const path = join(dir, "a.log");
    const store = await openRotatingStore({
      path,
      maxBytes: 400,
      maxFiles: 50,
      retention: { maxRecords: 2 },
    });
    for (let i = 0; i < 20; i++) await store.recordEvent(event(i, 30));
    await store.close();
    const { appendFile, readFile } = await import("node:fs/promises");
    await appendFile(`${path}.3`, "not json\n");
    const snapshot = await Promise.all(
      [...(await filesOf(dir, "a.log")).keys()].map(async (n) => [n, await readFile(join(dir, n))]),
    );
    const writer = await openRotatingStore({
      path,
      maxBytes: 400,
      maxFiles: 50,
      retention: { maxRecords: 2 },
    });
    await expect(writer.compact()).rejects.toMatchObject({
      code: "PAPYRA_DAMAGED",
      message: expect.stringMatching(/recover/),
    });
    for (const [name, bytes] of snapshot) {
      if (String(name).endsWith(".lock") || String(name).includes(".json")) continue;
      expect(await readFile(join(dir, String(name)))).toEqual(bytes);
    }
    expect(writer.metrics.snapshot().compaction_errors).toBe(1);
    await writer.close();
  });

  it("maintenance from another instance in the writing process pauses that writer instead of failing on the lock", async () => {
    const path = join(dir, "a.log");
    const writer = await openRotatingStore({ path, maxBytes: 400, maxFiles: 50 });
    for (let i = 0; i < 20; i++) await writer.recordEvent(event(i, 30));
    const admin = await openRotatingStore({
      path,
      maxBytes: 400,
      maxFiles: 50,
      readOnly: true,
      retention: { maxRecords: 5 },
    });
    const racing = [20, 21].map((id) => writer.recordEvent(event(id, 30)));
    const report = await admin.compact();
    await Promise.all(racing);
    expect(report.removed_records).toBeGreaterThanOrEqual(15);
    await writer.recordEvent(event(22, 30));
    expect(idsOf(await admin.listEvents())).toEqual([18, 19, 20, 21, 22]);
    expect((await admin.recover({ mode: "repair" })).scan_after.anomalies).toEqual([]);
    await admin.close();
    await writer.close();
  });

  it("a sampled scan looks only at the newest lines, across segments", async () => {
    const path = join(dir, "a.log");
    const store = await openRotatingStore({ path, maxBytes: 400, maxFiles: 50 });
    for (let i = 0; i < 30; i++) await store.recordEvent(event(i, 30));
    await store.close();
    const { readFile, writeFile } = await import("node:fs/promises");
    const indices = [...(await filesOf(dir, "a.log.")).keys()]
      .filter((n) => /^a\.log\.\d+$/.test(n))
      .map((n) => Number(n.slice("a.log.".length)));
    const oldest = `${path}.${Math.max(...indices)}`;
    await writeFile(oldest, `garbage\n${await readFile(oldest, "utf8")}`);
    const reader = await openRotatingStore({ path, maxBytes: 400, maxFiles: 50, readOnly: true });
    const sample = await reader.scan({ sampleSize: 5 });
    expect(sample).toMatchObject({ sampled: true, records_scanned: 5, anomalies: [] });
    const full = await reader.scan();
    expect(full.sampled).toBe(false);
    expect(full.records_scanned).toBe(30);
    expect(full.anomalies).toMatchObject([{ type: "CORRUPTED_LINE", path: oldest, line: 1 }]);
    await reader.close();
  });

  it("the startup check repairs a crashed store, then passes incrementally", async () => {
    const path = join(dir, "a.log");
    const store = await openRotatingStore({ path, maxBytes: 400, maxFiles: 50 });
    for (let i = 0; i < 20; i++) await store.recordEvent(event(i, 30));
    await store.close();
    const { appendFile } = await import("node:fs/promises");
    await appendFile(path, '{"kind":"event","system_id":"sys","tim');
    const reader = await openRotatingStore({ path, maxFiles: 50, readOnly: true });
    await expect(runStartupCheck(reader, { mode: "fail_on_anomaly" })).rejects.toMatchObject({
      code: "PAPYRA_STARTUP",
    });
    const result = await runStartupCheck(reader, { mode: "recover" });
    expect(result.recovery?.dropped_damaged).toBe(1);
    expect(result.remaining_anomalies).toBe(0);
    const quick = await runStartupCheck(reader, { mode: "fail_on_anomaly" });
    expect(quick.scan?.incremental).toBe(true);
    expect(idsOf(await reader.listEvents())).toEqual([...Array(20).keys()]);
    await reader.close();
  });
});

describe("stored metrics", () => {
  it("are kept beside the data across processes and reset for everyone", async () => {
    const path = join(dir, "a.log");
    const writer = await openRotatingStore({ path, maxBytes: 400, maxFiles: 50 });
    for (let i = 0; i < 10; i++) await writer.recordEvent(event(i, 30));
    const reader = await openRotatingStore({ path, maxFiles: 50, readOnly: true });
    await writer.readStoredMetrics(); // flushes this writer's counts
    expect((await reader.readStoredMetrics()).counters.records_written).toBe(10);
    await reader.resetStoredMetrics();
    const after = await reader.readStoredMetrics();
    expect(after.counters.records_written).toBe(0);
    expect(after.since).not.toBeNull();
    await writer.recordEvent(event(10, 30));
    expect((await writer.readStoredMetrics()).counters.records_written).toBeLessThanOrEqual(1);
    await writer.close();
    await reader.close();
    // Neither the sidecar nor the lock is ever reported by a scan.
    const check = await openRotatingStore({ path, maxFiles: 50, readOnly: true });
    expect((await check.scan()).anomalies).toEqual([]);
    await check.close();
  });
});
