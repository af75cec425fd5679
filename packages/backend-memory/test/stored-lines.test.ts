import { canAppendStoredLines, PersistenceValidationError } from "@papyra/core";
import { describe, expect, it } from "vitest";
import { createMemoryBackend } from "../src/index.js";

const NAN_EVENT =
  '{"kind": "event", "system_id": "py", "actor_address": "py:1", "event_type": "X", "payload": {"load": NaN}, "timestamp": 942.8}';

describe("memory backend appendStoredLine", () => {
  it("stores a line that decodes as a record (listed, streamed as the same line), refuses anything else", async () => {
    const backend = createMemoryBackend();
    expect(canAppendStoredLines(backend)).toBe(true);
    await backend.appendStoredLine(NAN_EVENT);
    await expect(backend.appendStoredLine("{broken")).rejects.toBeInstanceOf(
      PersistenceValidationError,
    );
    const [listed] = await backend.listEvents();
    expect(listed?.payload).toEqual({ load: Number.NaN });
    const lines: string[] = [];
    for await (const item of backend.iterate()) lines.push(item.line);
    expect(lines).toEqual([NAN_EVENT]);
  });
});
