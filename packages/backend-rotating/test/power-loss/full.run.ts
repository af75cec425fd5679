import { describeResult, runScenario } from "@papyra/ndjson/testing";
import { describe, expect, it } from "vitest";
import { largeRotatingScenario, rotatingScenarios } from "./scenarios.js";

// `pnpm --filter @papyra/backend-rotating power-loss`. PAPYRA_POWER_LOSS_SEED replays a sample.
const seed = process.env.PAPYRA_POWER_LOSS_SEED
  ? Number(process.env.PAPYRA_POWER_LOSS_SEED)
  : undefined;

describe("power loss, full exploration (rotating store)", () => {
  for (const make of rotatingScenarios("full")) {
    const scenario = make();
    it(`${scenario.name}: every state a power cut may leave passes the restart check`, async () => {
      const result = await runScenario(scenario, {
        mode: "enumerate",
        maxStates: 3000,
        maxChecks: 4000,
      });
      console.log(describeResult(result));
      expect(result.untracked).toEqual([]);
      expect(result.failures).toEqual([]);
    });
  }

  it("64 concurrent fsync writers x 8, many rotations: 1,000 sampled states pass the restart check", async () => {
    const result = await runScenario(largeRotatingScenario("full"), {
      mode: "sample",
      samples: 1000,
      seed,
    });
    console.log(describeResult(result));
    expect(result.failures).toEqual([]);
  });
});
