import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type PersistenceLockedError, PersistenceUnavailableError } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  acquireWriterLock,
  atomicRewrite,
  type BatchSink,
  BatchWriteError,
  GroupCommitWriter,
  readLockHolder,
  WriterClosedError,
} from "./support/internals.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "papyra-ndjson-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A sink recording batches, failing as told. */
function memorySink(
  fail?: (lines: readonly string[]) => Error | null,
): BatchSink & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    location: "memory",
    batches,
    async writeBatch({ lines, sizes }) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(sizes).toEqual(lines.map((line) => Buffer.byteLength(line)));
      const error = fail?.(lines) ?? null;
      if (error) throw error;
      batches.push(lines.map((l) => l.toString()));
    },
    async close() {},
  };
}

describe("GroupCommitWriter", () => {
  it("gathers appends made during a batch into the next one, in order", async () => {
    const sink = memorySink();
    const writer = new GroupCommitWriter(sink);
    await Promise.all(Array.from({ length: 100 }, (_, i) => writer.append(`r${i}`)));
    expect(sink.batches.flat()).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}\n`));
    expect(writer.stats.batches).toBeLessThan(5);
    await writer.close();
    await expect(writer.append("late")).rejects.toBeInstanceOf(WriterClosedError);
  });

  it("a partial batch failure resolves the committed lines and rejects only the rest", async () => {
    const sink = memorySink((lines) =>
      lines.length > 2
        ? new BatchWriteError(2, Object.assign(new Error("full"), { code: "ENOSPC" }))
        : null,
    );
    const writer = new GroupCommitWriter(sink);
    const results = await Promise.allSettled(["a", "b", "c", "d"].map((l) => writer.append(l)));
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
    ]);
    const reason = (results[2] as PromiseRejectedResult).reason as Error;
    expect(reason).toMatchObject({ code: "PAPYRA_UNAVAILABLE" });
    expect(reason.message).toMatch(/disk is full/);
  });

  it("runExclusive settles queued appends first and holds new ones until it is done", async () => {
    const sink = memorySink();
    const writer = new GroupCommitWriter(sink);
    const before = writer.append("before");
    let during: Promise<void> | null = null;
    const order: string[] = [];
    await writer.runExclusive(async () => {
      order.push(`exclusive sees ${sink.batches.flat().join("")}`);
      during = writer.append("during");
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(`still ${sink.batches.flat().length}`);
    });
    await before;
    await during;
    expect(order).toEqual(["exclusive sees before\n", "still 1"]);
    expect(sink.batches.flat()).toEqual(["before\n", "during\n"]);
  });
});

describe("writer lock", () => {
  it("records pid, host and time; refuses a second holder; release removes it", async () => {
    const path = join(dir, "s.lock");
    const lock = await acquireWriterLock(path);
    const holder = await readLockHolder(path);
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(holder?.acquiredAt).toEqual(expect.any(Number));
    await expect(acquireWriterLock(path)).rejects.toMatchObject({ code: "PAPYRA_LOCKED" });
    await lock.release();
    expect(existsSync(path)).toBe(false);
    await (await acquireWriterLock(path)).release();
    expect((await readdir(dir)).length).toBe(0);
  });

  it("takes over a lock of a dead pid on this host, or of this pid from an earlier run; never another host's", async () => {
    const path = join(dir, "s.lock");
    const stale = (pid: number, host = hostname()) =>
      writeFile(path, JSON.stringify({ pid, hostname: host, acquiredAt: 1, token: "old" }));
    await stale(2 ** 22 + 12345); // above any pid_max default: no such process
    await (await acquireWriterLock(path)).release();
    await stale(process.pid);
    await (await acquireWriterLock(path)).release();
    await stale(2 ** 22 + 12345, "some-other-host");
    const error = await acquireWriterLock(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PAPYRA_LOCKED" });
    expect((error as PersistenceLockedError).holder?.hostname).toBe("some-other-host");
  });

  it("fails with PersistenceUnavailableError when the directory is missing", async () => {
    await expect(acquireWriterLock(join(dir, "missing", "s.lock"))).rejects.toBeInstanceOf(
      PersistenceUnavailableError,
    );
  });
});

describe("atomicRewrite", () => {
  it("replaces the file, or leaves it untouched (and no temp file) when produce returns false or throws", async () => {
    const path = join(dir, "f");
    await writeFile(path, "old\n");
    await atomicRewrite(path, async (out) => {
      await out.write(Buffer.from("new\n"));
      return false;
    });
    await expect(
      atomicRewrite(path, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await readFile(path, "utf8")).toBe("old\n");
    expect(await readdir(dir)).toEqual(["f"]);
    const result = await atomicRewrite(path, async (out) => {
      await out.write(Buffer.from("new\n"));
      return true;
    });
    expect(result).toEqual({ replaced: true, bytes: 4 });
    expect(await readFile(path, "utf8")).toBe("new\n");
    expect(await readdir(dir)).toEqual(["f"]);
  });
});

describe("writer lock leftovers", () => {
  it("temp files of a process killed while taking the lock are removed by the next taker", async () => {
    const path = join(dir, "s.lock");
    const dead = 2 ** 22 + 4321;
    await writeFile(`${path}.${dead}-abcd.tmp`, "{}");
    await writeFile(`${path}.${dead}-ef01.stale.tmp`, "{}");
    const lock = await acquireWriterLock(path);
    expect(await readdir(dir)).toEqual(["s.lock"]);
    await lock.release();
  });
});
