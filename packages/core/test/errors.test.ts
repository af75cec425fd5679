import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BACKEND_CONTRACT_VERSION,
  defineBackend,
  ErrorCode,
  isBackendDefinition,
  PapyraError,
  PapyraUsageError,
  PersistenceClosedError,
  PersistenceConfigurationError,
  PersistenceDamagedError,
  PersistenceLockedError,
  PersistenceNotAStoreError,
  PersistenceNotFoundError,
  PersistenceStartupError,
  PersistenceUnavailableError,
  PersistenceUnsupportedError,
  PersistenceValidationError,
  parseBackendOptions,
} from "../src/index.js";
import { fakeBackend } from "./fakes.js";

describe("error classes", () => {
  it("carry stable codes and their own names", () => {
    const cases: [PapyraError, string, string][] = [
      [new PersistenceClosedError(), "PAPYRA_CLOSED", "PersistenceClosedError"],
      [new PersistenceValidationError("x", []), "PAPYRA_VALIDATION", "PersistenceValidationError"],
      [new PersistenceLockedError("/s"), "PAPYRA_LOCKED", "PersistenceLockedError"],
      [
        new PersistenceUnavailableError("down"),
        "PAPYRA_UNAVAILABLE",
        "PersistenceUnavailableError",
      ],
      [
        new PersistenceConfigurationError("bad"),
        "PAPYRA_CONFIGURATION",
        "PersistenceConfigurationError",
      ],
      [new PersistenceDamagedError("/s", 2), "PAPYRA_DAMAGED", "PersistenceDamagedError"],
      [new PersistenceStartupError("timeout", "slow"), "PAPYRA_STARTUP", "PersistenceStartupError"],
      [
        new PersistenceUnsupportedError("memory", "compaction"),
        "PAPYRA_UNSUPPORTED",
        "PersistenceUnsupportedError",
      ],
      [new PersistenceNotFoundError("/s"), "PAPYRA_NOT_FOUND", "PersistenceNotFoundError"],
      [
        new PersistenceNotAStoreError("/s", "not a store"),
        "PAPYRA_NOT_A_STORE",
        "PersistenceNotAStoreError",
      ],
      [new PapyraUsageError("unknown flag --x"), "PAPYRA_USAGE", "PapyraUsageError"],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(PapyraError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
    }
    expect(Object.values(ErrorCode).sort()).toEqual(cases.map(([, code]) => code).sort());
  });

  it("say what to do", () => {
    expect(new PersistenceClosedError("record event").message).toMatch(
      /Cannot record event: .*closed.*new backend instance/,
    );
    const locked = new PersistenceLockedError("/data/papyra.ndjson", {
      pid: 4242,
      hostname: "web-1",
    });
    expect(locked.message).toMatch(/locked by process 4242 on web-1/);
    expect(locked.holder?.pid).toBe(4242);
    expect(new PersistenceLockedError("/s").message).toMatch(/holder unknown/);
    expect(new PersistenceDamagedError("/s", 1).message).toMatch(
      /1 anomaly\. Nothing was changed\. Run recovery first/,
    );
    const invalid = new PersistenceValidationError("list query", [
      { path: "limit", message: "limit must not be negative" },
      { path: "", message: "whole query wrong" },
    ]);
    expect(invalid.message).toBe(
      "Invalid list query:\n  - limit: limit must not be negative\n  - whole query wrong",
    );
    const config = new PersistenceConfigurationError("Bad config:", [
      { path: "url", message: "required" },
    ]);
    expect(config.message).toBe("Bad config:\n  - url: required");
  });

  it("keep a cause", () => {
    const cause = new Error("ECONNREFUSED");
    expect(new PersistenceUnavailableError("cannot connect", { cause }).cause).toBe(cause);
  });
});

describe("backend definitions", () => {
  const definition = defineBackend({
    contractVersion: BACKEND_CONTRACT_VERSION,
    name: "fake",
    description: "a fake",
    optionsSchema: z.object({ url: z.string().url(), retries: z.number().int().default(3) }),
    create: async () => fakeBackend().backend,
  });

  it("isBackendDefinition accepts a definition of this contract version only", () => {
    expect(isBackendDefinition(definition)).toBe(true);
    expect(
      isBackendDefinition({ ...definition, contractVersion: BACKEND_CONTRACT_VERSION + 1 }),
    ).toBe(false);
    expect(isBackendDefinition({ ...definition, create: undefined })).toBe(false);
    expect(isBackendDefinition({ ...definition, optionsSchema: null })).toBe(false);
    expect(isBackendDefinition(null)).toBe(false);
    expect(isBackendDefinition("fake")).toBe(false);
  });

  it("parseBackendOptions applies defaults and reports bad options field by field", () => {
    expect(parseBackendOptions(definition, { url: "redis://localhost:6379" })).toEqual({
      url: "redis://localhost:6379",
      retries: 3,
    });
    let error: unknown;
    try {
      parseBackendOptions(definition, { url: "not a url", retries: 1.5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PersistenceConfigurationError);
    expect((error as PersistenceConfigurationError).issues.map((i) => i.path).sort()).toEqual([
      "retries",
      "url",
    ]);
    expect((error as Error).message).toMatch(/^Invalid options for backend "fake":/);
  });
});
