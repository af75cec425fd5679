import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DeadLetter } from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

const letter: DeadLetter = {
  system_id: "sys",
  target: "sys:1",
  message_type: "Ping",
  payload: { n: 1 },
  timestamp: 1_700_000_000,
};

describe("what a JSON file store acknowledges, it reads back (issue 9)", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
  });
  afterEach(() => removeDir(dir));

  // The issue's cases: on the first release each resolved, and could not be read back.
  const cases: [string, Record<string, unknown>, "event" | "dead_letter", string][] = [
    ["payload: undefined", { ...letter, payload: undefined }, "dead_letter", "payload"],
    ["a function payload", { ...letter, payload: () => "hi" }, "dead_letter", "payload"],
    ["a symbol payload", { ...letter, payload: Symbol("s") }, "dead_letter", "payload"],
    ["a Date payload", { ...letter, payload: new Date(0) }, "dead_letter", "payload"],
    ["a new String() payload", { ...letter, payload: new String("x") }, "dead_letter", "payload"],
    [
      "a payload with toJSON",
      { ...letter, payload: { toJSON: () => 1 } },
      "dead_letter",
      "payload",
    ],
    [
      "a target with toJSON",
      { ...letter, target: { system: "sys", actor_id: 1, toJSON: () => "sys:1" } },
      "dead_letter",
      "target",
    ],
    [
      "an address with toJSON",
      { ...event(1), actor_address: { system: "sys", actor_id: 1, toJSON: () => "other:2" } },
      "event",
      "actor_address",
    ],
    [
      "a nested undefined",
      { ...event(2), payload: { items: [1, 2, 3, undefined] } },
      "event",
      "payload.items.3",
    ],
  ];

  for (const [what, record, kind, field] of cases) {
    it(`refuses ${what} (naming ${field}), writes nothing, counts a write error`, async () => {
      await using store = await openJsonStore({ path });
      await store.recordEvent(event(0));
      const before = await readFile(path);
      const write =
        kind === "event"
          ? store.recordEvent(record as never)
          : store.recordDeadLetter(record as never);
      const error = await write.then(
        () => null,
        (e: unknown) => e as { code?: string; issues?: { path: string }[] },
      );
      expect(error?.code, `${what} was acknowledged`).toBe("PAPYRA_VALIDATION");
      expect(error?.issues?.map((i) => i.path)).toContain(field);
      expect((await readFile(path)).equals(before)).toBe(true);
      expect(store.metrics.snapshot().write_errors).toBe(1);
      expect((await store.scan()).anomalies).toEqual([]);
      expect(await store.listEvents()).toEqual([event(0)]);
      expect(await store.listDeadLetters()).toEqual([]);
    });
  }

  it("stores -0 as -0 and lists it back", async () => {
    await using store = await openJsonStore({ path });
    await store.recordDeadLetter({ ...letter, payload: { delta: -0 } });
    expect(await readFile(path, "utf8")).toContain('"payload":{"delta":-0}');
    const [listed] = await store.listDeadLetters();
    expect(Object.is((listed?.payload as { delta?: number } | undefined)?.delta, -0)).toBe(true);
  });
});
