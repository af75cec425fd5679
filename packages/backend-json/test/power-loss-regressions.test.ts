import { describeResult, runScenario } from "@papyra/ndjson/testing";
import { describe, expect, it } from "vitest";
import {
  legacySidecarScenario,
  lockTakeoverScenario,
  osAppendScenario,
  repairScenario,
} from "./power-loss/scenarios.js";

// Each seed below drew, before its fix, states that failed the restart check; the same
// seed and sample count replay those draws (see the ndjson README, "Power loss").
const regressions = [
  {
    found:
      "an empty lock (or breaker) file, linked before its bytes were synced, blocked every restart",
    scenario: lockTakeoverScenario,
    seed: 1,
  },
  {
    found:
      "a quarantine copy lost with its new directory while the repaired file replaced the original",
    scenario: () => repairScenario("quarantine"),
    seed: 1,
  },
  {
    found: "a store whose unsynced writes came back as zeros was refused as not a store",
    scenario: () => osAppendScenario(8, 2),
    seed: 1,
  },
  {
    found:
      "first-release metrics added into the current sidecar were counted twice when their removal was lost",
    scenario: legacySidecarScenario,
    seed: 20261130,
  },
];

describe("power loss regressions (JSON store)", () => {
  for (const { found, scenario, seed } of regressions) {
    it(`seed ${seed}: ${found}`, async () => {
      const result = await runScenario(scenario(), { mode: "sample", samples: 120, seed });
      console.log(describeResult(result));
      expect(result.failures).toEqual([]);
    }, 300_000);
  }
});
