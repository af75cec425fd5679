import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  canAppendStoredLines,
  encodeRecord,
  PersistenceClosedError,
  PersistenceUnavailableError,
  PersistenceValidationError,
} from "@papyra/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJsonStore } from "../src/index.js";
import { event, makeTempDir, removeDir } from "./helpers.js";

// Lines as the Python implementation wrote them: reading accepts them, record* cannot write them.
const NAN_EVENT =
  '{"kind": "event", "system_id": "py", "actor_address": "py:1", "event_type": "X", "payload": {"load": NaN, "big": 18446744073709551617}, "timestamp": 942.8}';
const REF_TARGET =
  '{"kind": "dead_letter", "system_id": "py", "target": {"_rid": 1, "_address": {"system": "py", "actor_id": 1}}, "message_type": "dict", "payload": {}, "timestamp": 943.1}';

describe("JSON store appendStoredLine", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    path = join(dir, "store.ndjson");
  });
  afterEach(() => removeDir(dir));

  it("appends a line that decodes as a record byte for byte, in order with record*, counted as a write", async () => {
    const store = await openJsonStore({ path });
    expect(canAppendStoredLines(store)).toBe(true);
    await Promise.all([
      store.recordEvent(event(1)),
      store.appendStoredLine(NAN_EVENT),
      store.appendStoredLine(REF_TARGET),
    ]);
    expect(store.metrics.snapshot().records_written).toBe(3);
    const letters = await store.listDeadLetters();
    expect(letters[0]?.target).toMatchObject({ _rid: 1 });
    expect((await store.listEvents()).map((e) => e.system_id)).toEqual(["sys", "py"]);
    await store.close();
    expect(await readFile(path, "utf8")).toBe(
      `${encodeRecord("event", event(1))}\n${NAN_EVENT}\n${REF_TARGET}\n`,
    );
  });

  it("refuses what is not a record, a line longer than the store reads back, read-only and closed stores; nothing is stored", async () => {
    const store = await openJsonStore({ path, maxLineBytes: 200 });
    for (const bad of [
      "{broken",
      "",
      '{"kind":"future","timestamp":1}',
      `${NAN_EVENT}\n${NAN_EVENT}`,
    ]) {
      await expect(store.appendStoredLine(bad)).rejects.toBeInstanceOf(PersistenceValidationError);
    }
    const long = NAN_EVENT.replace('"X"', `"${"x".repeat(300)}"`);
    await expect(store.appendStoredLine(long)).rejects.toBeInstanceOf(PersistenceValidationError);
    const reader = await openJsonStore({ path, readOnly: true });
    await expect(reader.appendStoredLine(NAN_EVENT)).rejects.toBeInstanceOf(
      PersistenceUnavailableError,
    );
    await reader.close();
    await store.close();
    await expect(store.appendStoredLine(NAN_EVENT)).rejects.toBeInstanceOf(PersistenceClosedError);
    expect(await readFile(path, "utf8")).toBe("");
  });
});
