import { describeResult, type PowerLossScenario, runScenario } from "@papyra/ndjson/testing";
import { describe, expect, it } from "vitest";
import {
  compactionScenario,
  concurrentAppendScenario,
  lockTakeoverScenario,
  osAppendScenario,
  repairScenario,
  sidecarScenario,
} from "./power-loss/scenarios.js";

// `pnpm test` runs a quick, count-bounded sample; `pnpm power-loss` (PAPYRA_POWER_LOSS=full)
// enumerates the small workloads completely and samples 1,000 states of the large ones.
const full = process.env.PAPYRA_POWER_LOSS === "full";
const seed = process.env.PAPYRA_POWER_LOSS_SEED
  ? Number(process.env.PAPYRA_POWER_LOSS_SEED)
  : undefined;

const enumerated: [string, () => PowerLossScenario][] = [
  ["64 concurrent fsync writers", () => concurrentAppendScenario(64, full ? 2 : 1)],
  ["compaction with retention", compactionScenario],
  ["repair", () => repairScenario("repair")],
  ["quarantine", () => repairScenario("quarantine")],
  ["metrics and checkpoint sidecars", sidecarScenario],
  ["lock takeover", lockTakeoverScenario],
  ["os durability", () => osAppendScenario(8, full ? 4 : 2)],
];

describe("power loss (JSON store)", () => {
  for (const [name, make] of enumerated) {
    it(`${name}: every state a power cut may leave passes the restart check`, async () => {
      const result = await runScenario(make(), {
        mode: "enumerate",
        maxStates: full ? 20_000 : 60,
        seed,
      });
      console.log(describeResult(result));
      expect(result.untracked).toEqual([]);
      expect(result.failures).toEqual([]);
    }, 300_000);
  }

  it("64 concurrent fsync writers, large: sampled states pass the restart check", async () => {
    const result = await runScenario(concurrentAppendScenario(64, full ? 16 : 4), {
      mode: "sample",
      samples: full ? 1000 : 40,
      seed,
    });
    console.log(describeResult(result));
    expect(result.failures).toEqual([]);
  }, 300_000);
});
