import { runMutations } from "@papyra/ndjson/testing";
import { describe, expect, it } from "vitest";
import { jsonScenarios } from "./scenarios.js";

// Leaves out one fdatasync / directory fsync at a time (in the recorded log, as if the store
// did not make it) and checks the explorer then fails. Sites no scenario catches are listed.
describe("power loss, mutation check (JSON store)", () => {
  it("removing any one sync the JSON store makes is caught by a scenario", async () => {
    const outcomes = await runMutations(
      jsonScenarios("quick"),
      { mode: "enumerate", maxStates: 2000 },
      (o) =>
        console.log(
          `${o.caughtBy ? "caught" : "NOT CAUGHT"}: ${o.site}${o.caughtBy ? ` by "${o.caughtBy}": ${o.problem}` : ""}`,
        ),
    );
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.caughtBy === null).map((o) => o.site)).toEqual([]);
  });
});
