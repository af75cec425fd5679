import { ExitCode } from "papyra";
import { describe, expect, it } from "vitest";
import { guideText } from "./guide.js";

describe("the guide's exit-code table", () => {
  it("lists exactly the CLI's exit codes, each with what a supervisor should do", () => {
    const section =
      guideText().split("## Exit codes, for a supervisor")[1]?.split("\n## ")[0] ?? "";
    const rows = [...section.matchAll(/^\|\s*(\d+)\s*\|([^|]+)\|([^|]+)\|$/gm)];
    const codes = rows.map(([, code]) => Number(code));
    expect(codes).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
    for (const [, code, meaning, reaction] of rows) {
      expect(meaning?.trim().length, `meaning of ${code}`).toBeGreaterThan(10);
      expect(reaction?.trim().length, `reaction to ${code}`).toBeGreaterThan(10);
    }
  });
});
