import { ErrorCode, parseBackendOptions } from "@papyra/core";
import { describe, expect, it } from "vitest";
import { backend, openDirectoryStore } from "../src/index.js";

describe("options", () => {
  it("bad options are a configuration error, through the definition and through open", async () => {
    const bad = { dir: "", retention: { maxRecords: -1 } };
    expect(() => parseBackendOptions(backend, bad)).toThrow(
      expect.objectContaining({ code: ErrorCode.configuration }),
    );
    await expect(openDirectoryStore(bad)).rejects.toMatchObject({
      code: ErrorCode.configuration,
      issues: expect.arrayContaining([
        expect.objectContaining({ path: "dir" }),
        expect.objectContaining({ path: "retention.maxRecords" }),
      ]),
    });
  });
});
