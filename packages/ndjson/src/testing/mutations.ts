import type { ExploreOptions } from "./explorer.js";
import { type PowerLossScenario, runScenario } from "./scenario.js";

/** What removing one sync call did: which scenario caught it (null: none did). */
export interface MutationOutcome {
  site: string;
  caughtBy: string | null;
  /** The first problem the catching scenario reported. */
  problem: string | null;
}

/**
 * Mutation check of the explorer: runs every scenario once to collect the sync call sites
 * (file fdatasync/fsync and directory fsync) the stores make, then, for each site, runs the
 * scenarios with that one sync left out of the log (as if the store did not make it) until one
 * fails. A site no scenario catches is either redundant or not covered.
 */
export async function runMutations(
  scenarios: (() => PowerLossScenario)[],
  explore: ExploreOptions,
  onOutcome: (outcome: MutationOutcome) => void = () => {},
): Promise<MutationOutcome[]> {
  const sites = new Set<string>();
  for (const make of scenarios) {
    for (const site of (await runScenario(make(), { ...explore, maxChecks: 1 })).syncSites)
      sites.add(site);
  }
  const outcomes: MutationOutcome[] = [];
  for (const site of [...sites].sort()) {
    let outcome: MutationOutcome = { site, caughtBy: null, problem: null };
    for (const make of scenarios) {
      const result = await runScenario(make(), { ...explore, dropSyncAt: site, maxFailures: 1 });
      const failure = result.failures[0];
      if (failure) {
        outcome = { site, caughtBy: result.name, problem: failure.problems[0] ?? null };
        break;
      }
    }
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  return outcomes;
}
