import {
  BACKEND_CONTRACT_VERSION,
  ErrorCode,
  isBackendDefinition,
  parseBackendOptions,
} from "@papyra/core";
import { describe, expect, it } from "vitest";
import { backend, openRedisStore, redactUrl, storeKeys } from "../src/index.js";

describe("redactUrl", () => {
  it("hides passwords and keeps everything else", () => {
    expect(redactUrl("redis://user:hunter2@example.com:6380/2")).toBe(
      "redis://user:***@example.com:6380/2",
    );
    expect(redactUrl("rediss://:hunter2@example.com")).toBe("rediss://:***@example.com");
    expect(redactUrl("redis://hunter2@example.com")).toBe("redis://***@example.com");
    expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
    expect(redactUrl("not a url //user:hunter2@host")).not.toContain("hunter2");
  });
});

describe("the backend definition", () => {
  it("is found by the CLI and fills in defaults", () => {
    expect(isBackendDefinition(backend)).toBe(true);
    expect(backend.contractVersion).toBe(BACKEND_CONTRACT_VERSION);
    expect(backend.name).toBe("redis");
    expect(backend.env).toEqual({ url: "PAPYRA_REDIS_URL", password: "PAPYRA_REDIS_PASSWORD" });
    const options = parseBackendOptions(backend, {});
    expect(options).toMatchObject({
      url: "redis://127.0.0.1:6379",
      prefix: "papyra",
      systemId: "local",
      cluster: false,
      trimOnWrite: false,
    });
  });

  it("reports bad options field by field", () => {
    let error: unknown;
    try {
      parseBackendOptions(backend, {
        prefix: "",
        commandTimeoutMs: -1,
        retention: { maxRecord: 1 },
      });
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe(ErrorCode.configuration);
    const paths = (error as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["prefix", "commandTimeoutMs", "retention"]));
  });

  it("openRedisStore rejects bad options before connecting, as a configuration error", async () => {
    // Like the file backends' open functions (and the CLI, exit 78).
    await expect(openRedisStore({ systemId: "" })).rejects.toMatchObject({
      code: ErrorCode.configuration,
    });
  });

  it("lays keys out as {prefix}:{systemId}:<stream>", () => {
    expect(storeKeys("papyra", "local")).toEqual({
      streams: {
        events: "papyra:local:events",
        audits: "papyra:local:audits",
        dead_letters: "papyra:local:dead_letters",
      },
      metrics: "papyra:local:metrics",
      quarantine: "papyra:local:quarantine",
      scanState: "papyra:local:scan_state",
    });
  });
});
