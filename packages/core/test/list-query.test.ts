import { describe, expect, it } from "vitest";
import {
  finishListing,
  inTimeWindow,
  type ListQuery,
  normalizeListQuery,
  PersistenceValidationError,
} from "../src/index.js";

describe("normalizeListQuery", () => {
  it("fills in defaults", () => {
    const none = { limit: undefined, since: undefined, until: undefined, reverse: false };
    expect(normalizeListQuery(undefined)).toEqual(none);
    expect(normalizeListQuery({})).toEqual(none);
    expect(normalizeListQuery({ limit: 0, since: 1.5, until: 1.5, reverse: true })).toEqual({
      limit: 0,
      since: 1.5,
      until: 1.5,
      reverse: true,
    });
  });

  it("rejects bad queries with PersistenceValidationError naming the field", () => {
    const cases: [unknown, string, RegExp][] = [
      [{ limit: -1 }, "limit", /must not be negative/],
      [{ limit: 1.5 }, "limit", /whole number/],
      [{ limit: Number.NaN }, "limit", /./],
      [{ limit: Number.POSITIVE_INFINITY }, "limit", /./],
      [{ limit: "3" }, "limit", /limit must be a number/],
      [{ since: Number.NaN }, "since", /./],
      [{ until: Number.NEGATIVE_INFINITY }, "until", /./],
      [{ since: 5, until: 4 }, "since", /since must not be after until/],
      [{ reverse: "yes" }, "reverse", /./],
      [{ limt: 3 }, "", /limt/],
    ];
    for (const [query, path, message] of cases) {
      let error: unknown;
      try {
        normalizeListQuery(query as ListQuery);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(query)).toBeInstanceOf(PersistenceValidationError);
      const issue = (error as PersistenceValidationError).issues[0];
      expect(issue?.path, JSON.stringify(query)).toBe(path);
      expect((error as Error).message, JSON.stringify(query)).toMatch(message);
      expect((error as Error).message).toMatch(/^Invalid list query:/);
    }
  });
});

describe("inTimeWindow", () => {
  const q = (since?: number, until?: number) => normalizeListQuery({ since, until });
  it("is inclusive at both ends", () => {
    expect(inTimeWindow(5, q(5, 5))).toBe(true);
    expect(inTimeWindow(4.999, q(5))).toBe(false);
    expect(inTimeWindow(5.001, q(undefined, 5))).toBe(false);
    expect(inTimeWindow(-1e9, q())).toBe(true);
  });

  it("excludes a NaN timestamp when a bound is set", () => {
    expect(inTimeWindow(Number.NaN, q(0))).toBe(false);
    expect(inTimeWindow(Number.NaN, q(undefined, 0))).toBe(false);
  });
});

describe("finishListing", () => {
  const q = (query: ListQuery) => normalizeListQuery(query);
  it("keeps the newest `limit`, oldest first, or newest first with reverse", () => {
    expect(finishListing([1, 2, 3, 4], q({ limit: 2 }))).toEqual([3, 4]);
    expect(finishListing([1, 2, 3, 4], q({ limit: 2, reverse: true }))).toEqual([4, 3]);
    expect(finishListing([1, 2, 3, 4], q({ limit: 0 }))).toEqual([]);
    expect(finishListing([1, 2], q({ limit: 5 }))).toEqual([1, 2]);
    expect(finishListing([1, 2, 3], q({ reverse: true }))).toEqual([3, 2, 1]);
    expect(finishListing([], q({ limit: 3, reverse: true }))).toEqual([]);
  });
});
