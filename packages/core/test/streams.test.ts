import { describe, expect, it } from "vitest";
import {
  iterateRecords,
  normalizeIterateQuery,
  PersistenceValidationError,
  streamingCapabilities,
  validateFollowOptions,
} from "../src/index.js";

const event = (n: number) => ({
  system_id: "s",
  actor_address: "s:a",
  event_type: "E",
  payload: { n },
  timestamp: n,
});

/** A backend with only the required listing methods. */
const listOnly = {
  listEvents: async (q?: { since?: number; until?: number }) =>
    [event(1), event(2), event(3)].filter(
      (e) =>
        (q?.since === undefined || e.timestamp >= q.since) &&
        (q?.until === undefined || e.timestamp <= q.until),
    ),
  listAudits: async () => [],
  listDeadLetters: async () => [
    { system_id: "s", target: null, message_type: "M", payload: null, timestamp: 9 },
  ],
};

describe("streaming contract", () => {
  it("detects iterate and follow by shape and never throws", () => {
    expect(streamingCapabilities(listOnly)).toEqual({ iterate: false, follow: false });
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error("boom");
        },
      },
    );
    expect(streamingCapabilities(throwing)).toEqual({ iterate: false, follow: false });
    expect(streamingCapabilities({ iterate() {}, follow() {} })).toEqual({
      iterate: true,
      follow: true,
    });
  });

  it("iterateRecords falls back to list* kind by kind, window applied, lines encoded with kind first", async () => {
    const items = [];
    for await (const item of iterateRecords(listOnly, { since: 2 })) items.push(item);
    expect(items.map((i) => [i.kind, i.timestamp])).toEqual([
      ["event", 2],
      ["event", 3],
      ["dead_letter", 9],
    ]);
    expect(JSON.parse(items[0]?.line ?? "")).toEqual({ kind: "event", ...event(2) });
    expect(items[0]?.line.startsWith('{"kind":"event",')).toBe(true);
  });

  it("validates queries and follow options with errors naming the field", () => {
    expect(() => normalizeIterateQuery({ kinds: ["events" as never] })).toThrow(
      PersistenceValidationError,
    );
    expect(() => normalizeIterateQuery({ since: 5, until: 1 })).toThrow(
      /since must not be after until/,
    );
    const signal = new AbortController().signal;
    expect(() => validateFollowOptions("event", { signal, limit: -1 })).toThrow(
      /limit must not be negative/,
    );
    expect(() => validateFollowOptions("event", { signal: undefined as never })).toThrow(
      /AbortSignal/,
    );
    expect(() => validateFollowOptions("nope" as never, { signal })).toThrow(
      PersistenceValidationError,
    );
    expect(() => validateFollowOptions("audit", { signal, limit: 3, since: 1 })).not.toThrow();
  });
});
