import { describeResult, runScenario } from "@papyra/ndjson/testing";
import { describe, expect, it } from "vitest";
import { jsonScenarios, largeJsonScenario } from "./power-loss/scenarios.js";

// Fixed seed, so `pnpm test` is steady; PAPYRA_POWER_LOSS_SEED explores (or replays) others.
const seed = Number(process.env.PAPYRA_POWER_LOSS_SEED ?? 20261130);

// A quick sample, bounded by counts; `pnpm power-loss` runs the full exploration (every state
// of the small workloads, 1,000 sampled of the large one) and the mutation check.
describe("power loss (JSON store)", () => {
  for (const make of jsonScenarios("quick")) {
    const scenario = make();
    it(`${scenario.name}: 60 seeded draws of the states a power cut may leave pass the restart check`, async () => {
      const result = await runScenario(scenario, { mode: "sample", samples: 60, seed });
      console.log(describeResult(result));
      expect(result.untracked).toEqual([]);
      expect(result.checked).toBeGreaterThan(0);
      expect(result.failures).toEqual([]);
    }, 600_000);
  }

  it("64 concurrent fsync writers: 40 seeded draws of power-cut states pass the restart check", async () => {
    const result = await runScenario(largeJsonScenario("quick"), {
      mode: "sample",
      samples: 40,
      seed,
    });
    console.log(describeResult(result));
    expect(result.failures).toEqual([]);
  }, 600_000);
});
