import { describe, expect, it } from "vitest";

describe("the ioredis under test", () => {
  it("is the major PAPYRA_IOREDIS selects (6 by default; CI also runs 5)", async () => {
    const { default: pkg } = await import("ioredis/package.json", { with: { type: "json" } });
    expect(pkg.version.split(".")[0]).toBe(process.env.PAPYRA_IOREDIS ?? "6");
  });
});
