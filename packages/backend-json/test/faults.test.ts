import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmdirSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { type AppendFs, nodeAppendFs } from "@papyra/ndjson/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonFileBackend, openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/**
 * Real fs calls, counted, with a fault that can be switched on for write(2): both the
 * thread-pool write (`fsync` durability) and the event-loop one (`os`), whichever is used.
 */
function faultyFs() {
  const state = { writes: 0, syncs: 0, fault: null as string | null, partial: false };
  /** How many bytes of `length` the next call may write (0: fail with the fault). */
  const allowed = (length: number): number => {
    state.writes += 1;
    if (!state.fault) return length;
    if (state.partial && length > 1) {
      // A filling disk: a short write of part of the batch, then the next call fails.
      state.partial = false;
      return Math.floor(length / 2);
    }
    throw errno(state.fault);
  };
  const fs: AppendFs = {
    ...nodeAppendFs,
    async write(fd, buffer, offset, length) {
      return nodeAppendFs.write(fd, buffer, offset, allowed(length));
    },
    writeSync(fd, buffer, offset, length) {
      return nodeAppendFs.writeSync(fd, buffer, offset, allowed(length));
    },
    async fdatasync(fd) {
      state.syncs += 1;
      return nodeAppendFs.fdatasync(fd);
    },
  };
  return { fs, state };
}

describe("write errors and group commit", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
  });
  afterEach(() => removeDir(dir));

  it("N concurrent writes are gathered into far fewer write calls (os and fsync)", async () => {
    for (const durability of ["os", "fsync"] as const) {
      const { fs, state } = faultyFs();
      const store = await JsonFileBackend.open(
        { path: join(dir, `${durability}.ndjson`), durability },
        { appendFs: fs },
      );
      const writesBefore = state.writes;
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.recordEvent(event(i))));
      const writes = state.writes - writesBefore;
      expect(writes).toBeGreaterThan(0);
      expect(writes).toBeLessThanOrEqual(5);
      if (durability === "fsync") expect(state.syncs).toBe(writes);
      else expect(state.syncs).toBe(0);
      expect(await store.listEvents()).toHaveLength(200);
      await store.close();
    }
  });

  for (const [code, reason] of [
    ["ENOSPC", /disk is full/],
    ["EACCES", /permission denied/],
  ] as const) {
    it.each(["os", "fsync"] as const)(
      `${code} (%s) rejects exactly the affected records; earlier ones stay readable; later ones succeed`,
      async (durability) => {
        const { fs, state } = faultyFs();
        await using store = await JsonFileBackend.open({ path, durability }, { appendFs: fs });
        await Promise.all([1, 2, 3].map((i) => store.recordEvent(event(i))));
        state.fault = code;
        state.partial = code === "ENOSPC";
        const results = await Promise.allSettled([4, 5, 6].map((i) => store.recordEvent(event(i))));
        for (const result of results) {
          expect(result.status).toBe("rejected");
          const reasonError = (result as PromiseRejectedResult).reason as Error;
          expect(reasonError).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
          expect(reasonError.message).toMatch(reason);
          expect((reasonError.cause as NodeJS.ErrnoException | undefined)?.code).toBe(code);
        }
        expect(store.metrics.snapshot()).toMatchObject({ records_written: 3, write_errors: 3 });
        // The half-written batch was cut back: no torn line, nothing of 4..6 stored.
        expect((await store.scan()).anomalies).toEqual([]);
        state.fault = null;
        await store.recordEvent(event(7));
        const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
        expect(ids).toEqual([1, 2, 3, 7]);
      },
    );
  }

  it.each(["os", "fsync"] as const)(
    "a store file deleted under a running writer: the next records go to a fresh file (%s)",
    async (durability) => {
      await using store = await openJsonStore({ path, durability });
      await store.recordEvent(event(1));
      await rm(path);
      await Promise.all([2, 3].map((i) => store.recordEvent(event(i))));
      const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
      expect(ids).toEqual([2, 3]);
      expect((await readFile(path, "utf8")).split("\n").filter(Boolean)).toHaveLength(2);
    },
  );

  it("a removed directory rejects writes with PersistenceUnavailableError", async () => {
    const sub = join(dir, "sub");
    mkdirSync(sub);
    const store = await openJsonStore({ path: join(sub, "store.ndjson") });
    await store.recordEvent(event(1));
    await rm(sub, { recursive: true, force: true });
    const error = await store.recordEvent(event(2)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
    expect(store.metrics.snapshot().write_errors).toBe(1);
    await store.close();
  });

  it("a missing directory fails a writer's open with PersistenceUnavailableError, a reader's with PersistenceNotFoundError", async () => {
    const path = join(dir, "nope", "store.ndjson");
    const writer = await openJsonStore({ path }).catch((e: unknown) => e);
    expect(writer).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
    expect((writer as Error).message).toContain("does not exist");
    const reader = await openJsonStore({ path, readOnly: true }).catch((e: unknown) => e);
    expect(reader).toMatchObject({ code: "PAPYRA_NOT_FOUND" });
    expect((reader as Error).message).toContain("directory");
    expect(existsSync(join(dir, "nope"))).toBe(false);
  });
});

function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = join("/tmp", `papyra-mount-probe-${process.pid}`);
  try {
    mkdirSync(probe, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    try {
      rmdirSync(probe);
    } catch {}
  }
}

// A real full disk needs a tiny filesystem; mounting one needs root. The injected faults above
// cover the same behaviour everywhere.
describe.runIf(canMountTmpfs())("a real full disk (64 KiB tmpfs)", () => {
  let mountPoint: string;
  beforeEach(async () => {
    mountPoint = await makeTempDir("papyra-tmpfs-");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]);
  });
  afterEach(async () => {
    execFileSync("umount", [mountPoint]);
    await removeDir(mountPoint);
  });

  it("ENOSPC rejects the records that did not fit and keeps every earlier one readable", async () => {
    const path = join(mountPoint, "store.ndjson");
    const store = await openJsonStore({ path, durability: "fsync" });
    const stored: number[] = [];
    let failure: unknown = null;
    for (let i = 0; i < 10_000 && failure === null; i += 10) {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, k) => store.recordEvent(event(i + k))),
      );
      results.forEach((r, k) => {
        if (r.status === "fulfilled") stored.push(i + k);
        else failure = r.reason;
      });
    }
    expect(failure).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
    expect((failure as Error).message).toMatch(/disk is full/);
    const ids = (await store.listEvents()).map((e) => (e.payload as { id: number }).id);
    expect(ids).toEqual(stored);
    expect((await store.scan()).anomalies).toEqual([]);
    expect((await readFile(path, "utf8")).endsWith("\n")).toBe(true);
    await store.close();
  });
});
