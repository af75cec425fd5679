import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, papyra, papyraJson, tempProject } from "./helpers.js";

// edge-cases.ndjson: six lines the Python implementation wrote (NaN / Infinity tokens, integers
// beyond 2^53, monotonic timestamps, a dead letter whose target is a serialised actor
// reference, an integer target). Every line is a record.
const project = tempProject();
const store = copyFixture("edge-cases.ndjson", join(project, "edge.ndjson"));
const original = readFileSync(store);
const cwd = project;

describe("a store with what the Python implementation writes", () => {
  it("scans clean (exit 0)", async () => {
    const { code, stdout } = await papyra(["persistence", "scan", "--path", store], { cwd });
    expect(code, stdout).toBe(0);
  });

  it("inspect dead-letters prints an actor reference target as its address, an integer as digits", async () => {
    const { code, stdout, stderr } = await papyra(["inspect", "dead-letters", "--path", store], {
      cwd,
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(
      "[1970-01-01T00:15:43.140Z] dict -> edge:1\n[1970-01-01T00:15:44.000Z] str -> 7\n",
    );
  });

  it("inspect dead-letters --target matches those printed forms and the actor id", async () => {
    const byAddress = await papyra(
      ["inspect", "dead-letters", "--path", store, "--target", "edge:1"],
      { cwd },
    );
    expect(byAddress.stdout).toBe("[1970-01-01T00:15:43.140Z] dict -> edge:1\n");
    const byNumber = await papyra(["inspect", "dead-letters", "--path", store, "--target", "7"], {
      cwd,
    });
    expect(byNumber.stdout).toBe("[1970-01-01T00:15:44.000Z] str -> 7\n");
  });

  it("inspect events prints every event, monotonic timestamps included", async () => {
    const { code, stdout } = await papyra(["inspect", "events", "--path", store], { cwd });
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "[1970-01-01T00:15:42.800Z] ActorStarted edge:1",
        "[2025-11-22T00:00:00.000Z] ActorStopped edge:2",
        "[1970-01-01T00:15:46.250Z] ActorCrashed edge:café-😀",
        "",
      ].join("\n"),
    );
  });

  it("inspect --json lists them (values JSON cannot spell, such as NaN, as null)", async () => {
    const events = await papyraJson(["inspect", "events", "--path", store], { cwd });
    expect(events.doc.count).toBe(3);
    const letters = await papyraJson(["inspect", "dead-letters", "--path", store], { cwd });
    expect(letters.doc.count).toBe(2);
    const audits = await papyraJson(["inspect", "audits", "--path", store], { cwd });
    expect(audits.doc.count).toBe(1);
  });

  it("recover and compact keep every byte", async () => {
    const recover = await papyra(["persistence", "recover", "--mode", "repair", "--path", store], {
      cwd,
    });
    expect(recover.code, recover.stderr).toBe(0);
    const compact = await papyra(["persistence", "compact", "--path", store], { cwd });
    expect(compact.code, compact.stderr).toBe(0);
    expect(readFileSync(store).equals(original)).toBe(true);
  });
});
