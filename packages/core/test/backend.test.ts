import { describe, expect, it } from "vitest";
import { backendCapabilities, safeMetricsSnapshot } from "../src/index.js";
import { fakeBackend } from "./fakes.js";

const none = {
  scan: false,
  recover: false,
  compact: false,
  metrics: false,
  retention: false,
  storedMetrics: false,
  diagnostics: false,
};

function throwingProxy(): object {
  return new Proxy(
    {},
    {
      get() {
        throw new Error("get trap");
      },
      has() {
        throw new Error("has trap");
      },
      ownKeys() {
        throw new Error("ownKeys trap");
      },
      getOwnPropertyDescriptor() {
        throw new Error("descriptor trap");
      },
    },
  );
}

describe("backendCapabilities", () => {
  it("detects every optional part by shape", () => {
    const { backend } = fakeBackend();
    expect(backendCapabilities(backend)).toEqual({ ...none, scan: true, recover: true });
    const full = Object.assign(backend, {
      compact: async () => ({}),
      metrics: { snapshot: () => ({}), reset: () => {} },
      retention: {},
      readStoredMetrics: async () => ({}),
      resetStoredMetrics: async () => {},
      diagnostics: async () => [],
    });
    expect(backendCapabilities(full)).toEqual({
      scan: true,
      recover: true,
      compact: true,
      metrics: true,
      retention: true,
      storedMetrics: true,
      diagnostics: true,
    });
  });

  it("does not count members of the wrong shape", () => {
    expect(
      backendCapabilities({
        scan: true,
        recover: "yes",
        compact: null,
        metrics: { snapshot: 5 },
        retention: null,
        readStoredMetrics: async () => ({}),
      }),
    ).toEqual(none);
  });

  it("finds methods on the prototype of a class instance", () => {
    class Store {
      async scan() {}
      get metrics() {
        return { snapshot: () => ({}) };
      }
    }
    expect(backendCapabilities(new Store())).toMatchObject({ scan: true, metrics: true });
  });

  it("never throws, whatever it is given", () => {
    class Hostile {
      get metrics(): never {
        throw new Error("metrics getter");
      }
      get scan(): never {
        throw new Error("scan getter");
      }
    }
    for (const value of [
      undefined,
      null,
      42,
      "backend",
      Symbol("s"),
      () => {},
      throwingProxy(),
      new Hostile(),
    ]) {
      expect(() => backendCapabilities(value)).not.toThrow();
      expect(backendCapabilities(value)).toEqual(none);
    }
  });
});

describe("safeMetricsSnapshot", () => {
  it("returns the finite numeric counters as a plain copy", () => {
    const counters = { records_written: 3, write_errors: 0 };
    const snap = safeMetricsSnapshot({ metrics: { snapshot: () => counters } });
    expect(snap).toEqual(counters);
    expect(snap).not.toBe(counters);
  });

  it("drops values that are not finite numbers", () => {
    const snapshot = () => ({
      a: 1,
      b: Number.NaN,
      c: Number.POSITIVE_INFINITY,
      d: "3",
      e: null,
      f: 2.5,
    });
    expect(safeMetricsSnapshot({ metrics: { snapshot } })).toEqual({ a: 1, f: 2.5 });
  });

  it("returns {} on any problem", () => {
    const cases: unknown[] = [
      undefined,
      null,
      {},
      { metrics: null },
      { metrics: { snapshot: "no" } },
      { metrics: { snapshot: () => null } },
      { metrics: { snapshot: () => 42 } },
      {
        metrics: {
          snapshot: () => {
            throw new Error("boom");
          },
        },
      },
      { metrics: { snapshot: () => throwingProxy() } },
      { metrics: throwingProxy() },
      throwingProxy(),
    ];
    for (const value of cases) {
      expect(() => safeMetricsSnapshot(value)).not.toThrow();
      expect(safeMetricsSnapshot(value)).toEqual({});
    }
  });
});
