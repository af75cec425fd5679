import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDirectoryStore } from "../src/index.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function event(n: number) {
  return {
    system_id: "s",
    actor_address: `s:a${n}`,
    event_type: "ActorStarted",
    payload: {},
    timestamp: n,
  };
}

it("scan finds damaged record files and repair removes them, keeping every valid record", async () => {
  const root = mkdtempSync(join(tmpdir(), "papyra-example-"));
  roots.push(root);
  const store = await openDirectoryStore({ dir: root });
  for (let n = 1; n <= 3; n++) await store.recordEvent(event(n));
  writeFileSync(join(root, "000000000010.json"), '{"kind":"event","sys');
  writeFileSync(
    join(root, "000000000011.json"),
    `${JSON.stringify({ kind: "event", ...event(11) })}`,
  );
  const scan = await store.scan();
  expect(scan.anomalies.map((a) => a.type)).toEqual(["CORRUPTED_LINE", "TRUNCATED_LINE"]);
  const report = await store.recover({ mode: "repair" });
  expect(report.dropped_damaged).toBe(1);
  expect(report.scan_after.anomalies).toEqual([]);
  expect((await store.listEvents()).map((e) => e.timestamp)).toEqual([1, 2, 3, 11]);
  await expect(store.compact()).resolves.toMatchObject({ removed_records: 0 });
  expect(readdirSync(root)).toHaveLength(4);
  await store.close();
});

it("compaction refuses a damaged store and changes nothing", async () => {
  const root = mkdtempSync(join(tmpdir(), "papyra-example-"));
  roots.push(root);
  const store = await openDirectoryStore({ dir: root, retention: { maxRecords: 1 } });
  for (let n = 1; n <= 3; n++) await store.recordEvent(event(n));
  writeFileSync(join(root, "000000000009.json"), "garbage\n");
  await expect(store.compact()).rejects.toMatchObject({ code: "PAPYRA_DAMAGED" });
  expect(readdirSync(root)).toHaveLength(4);
  await store.close();
});
