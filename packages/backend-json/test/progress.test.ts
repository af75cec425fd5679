import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Progress } from "@papyra/core";
import { afterEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("compaction progress", () => {
  it("covers both passes as one compact phase: the check fills the first half, the rewrite the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "papyra-progress-"));
    dirs.push(dir);
    const path = join(dir, "papyra.ndjson");
    const store = await openJsonStore({ path, retention: { maxRecords: 10 } });
    try {
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 60_000; i++) {
        writes.push(
          store.recordEvent({
            system_id: "s",
            actor_address: { system: "s", actor_id: `actor-${i}-${"x".repeat(100)}` },
            event_type: "ActorStarted",
            payload: { i },
            timestamp: i + 1,
          }),
        );
      }
      await Promise.all(writes);
      const seen: Progress[] = [];
      const report = await store.compact({ onProgress: (p) => seen.push(p) });
      expect(report.after_records).toBe(10);
      const total = report.before_bytes ?? 0;
      expect(seen.length).toBeGreaterThan(2);
      expect(
        seen.every((p) => p.phase === "compact" && p.unit === "bytes" && p.total === total),
      ).toBe(true);
      const dones = seen.map((p) => p.done);
      expect(dones).toEqual([...dones].sort((a, b) => a - b));
      expect(dones[0]).toBeLessThan(total / 2);
      expect(dones.at(-1)).toBe(total);
    } finally {
      await store.close();
    }
  });
});
