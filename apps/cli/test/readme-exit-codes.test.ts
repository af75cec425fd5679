import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode } from "@papyra/core";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../src/exit-codes.js";

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../README.md"), "utf8");
const exitCodeSection = readme.slice(
  readme.indexOf("## Exit codes"),
  readme.indexOf("## Which store"),
);

describe("apps/cli/README.md documents every code the CLI can print", () => {
  it("has a row in the exit-code table for every exit code", () => {
    const rows = [...exitCodeSection.matchAll(/^\|\s*(\d+)\s*\|/gm)].map((m) => Number(m[1]));
    expect(rows.sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });

  it("says which exit code every error code of @papyra/core maps to", () => {
    for (const code of Object.values(ErrorCode)) {
      expect(exitCodeSection, code).toContain(`\`${code}\``);
    }
  });
});
