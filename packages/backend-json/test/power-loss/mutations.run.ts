import { type MutationOutcome, runMutations } from "@papyra/ndjson/testing";
import { describe, expect, it } from "vitest";
import { jsonScenarios } from "./scenarios.js";

// Leaves out one fdatasync / directory fsync at a time (in the recorded log, as if the store
// did not make it) and checks the explorer then fails. Sites no scenario catches are listed;
// only those below may go uncaught, each for the reason given.
const harmless: { site: RegExp; why: string }[] = [
  // Migrating first-release sidecars: losing the rename or removal leaves the old name, which
  // is still read (and a metrics sidecar already added in is marked absorbed).
  { site: /fsyncDirectory .*< migrateCheckpoint/, why: "old or new checkpoint name both read" },
  { site: /fsyncDirectory .*durable-metrics/, why: "old or new metrics name both read" },
];
function describeOutcome(o: MutationOutcome): string {
  if (o.caughtBy) return `caught: ${o.site} by "${o.caughtBy}": ${o.problem}`;
  const reason = harmless.find((h) => h.site.test(o.site))?.why;
  return `NOT CAUGHT: ${o.site}${reason ? ` (harmless: ${reason})` : ""}`;
}

describe("power loss, mutation check (JSON store)", () => {
  it("removing any one sync the JSON store makes is caught by a scenario", async () => {
    const outcomes = await runMutations(
      jsonScenarios("quick"),
      { mode: "enumerate", maxStates: 2000 },
      (o) => console.log(describeOutcome(o)),
    );
    expect(outcomes.length).toBeGreaterThan(0);
    const uncaught = outcomes.filter((o) => o.caughtBy === null).map((o) => o.site);
    expect(uncaught.filter((site) => !harmless.some((h) => h.site.test(site)))).toEqual([]);
  });
});
