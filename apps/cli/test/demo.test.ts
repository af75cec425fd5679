import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { papyra, papyraJson, tempProject } from "./helpers.js";

describe("demo", () => {
  it("records a simulated actor system into ./papyra.ndjson, then runs doctor and summary on it", async () => {
    const cwd = tempProject();
    const { code, stdout } = await papyra(["demo"], { cwd });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Recorded \d+ events, \d+ audits and \d+ dead letters of a simulated shop into /,
    );
    expect(stdout).toContain(`$ papyra doctor run --path ${join(cwd, "papyra.ndjson")}`);
    expect(stdout).toMatch(/Result:\s+healthy/);
    expect(stdout).toContain(`$ papyra inspect summary --path ${join(cwd, "papyra.ndjson")}`);
    expect(stdout).toMatch(/Registry dead:\s+1 \(shop:email-worker-3\)/);
    const lines = readFileSync(join(cwd, "papyra.ndjson"), "utf8").trim().split("\n");
    const kinds = new Set(lines.map((l) => (JSON.parse(l) as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(["audit", "dead_letter", "event"]);
    const crashes = await papyra(
      ["inspect", "events", "--event-type", "ActorCrashed", "--limit", "1"],
      { cwd },
    );
    expect(crashes.stdout).toMatch(
      /^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\] ActorCrashed shop:\S+\n$/,
    );

    // A second run does not touch an existing store unless asked to.
    const again = await papyra(["demo"], { cwd });
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/--force/);
  });

  it("--json gives one document holding both child commands' documents", async () => {
    const cwd = tempProject();
    const { code, doc } = await papyraJson(["demo", "--path", "shop.ndjson"], { cwd });
    expect(code).toBe(0);
    expect(doc).toMatchObject({
      command: "demo",
      ok: true,
      path: join(cwd, "shop.ndjson"),
      recorded: {
        events: expect.any(Number),
        audits: expect.any(Number),
        dead_letters: expect.any(Number),
      },
      doctor: { command: "doctor run", ok: true, check: { remaining_anomalies: 0 } },
      summary: { command: "inspect summary", ok: true, summary: { system_id: "shop" } },
    });
  });
});
