import { closeGroup } from "./groups/close.js";
import { compactionGroup } from "./groups/compaction.js";
import { concurrencyGroup } from "./groups/concurrency.js";
import { listingGroup } from "./groups/listing.js";
import { metricsGroup } from "./groups/metrics.js";
import { prototypeSafetyGroup } from "./groups/prototype-safety.js";
import { readBackGroup } from "./groups/read-back.js";
import { recoveryGroup } from "./groups/recovery.js";
import { retentionGroup } from "./groups/retention.js";
import { roundTripGroup } from "./groups/round-trip.js";
import { scanGroup } from "./groups/scan.js";
import { SuiteHarness } from "./harness.js";
import {
  CONFORMANCE_GROUPS,
  type ConformanceGroup,
  type ConformanceOptions,
  type ConformanceSubject,
  type TestRunner,
} from "./types.js";

const REGISTRARS: Record<ConformanceGroup, (h: SuiteHarness) => void> = {
  "round-trip": roundTripGroup,
  "read-back": readBackGroup,
  listing: listingGroup,
  retention: retentionGroup,
  close: closeGroup,
  metrics: metricsGroup,
  concurrency: concurrencyGroup,
  "prototype-safety": prototypeSafetyGroup,
  scan: scanGroup,
  recovery: recoveryGroup,
  compaction: compactionGroup,
};

function selectedGroups(groups: readonly ConformanceGroup[] | undefined): ConformanceGroup[] {
  if (groups === undefined) return [...CONFORMANCE_GROUPS];
  const unknown = groups.filter((g) => !(CONFORMANCE_GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0) {
    throw new TypeError(
      `Unknown conformance group(s): ${unknown.join(", ")}. Known groups: ${CONFORMANCE_GROUPS.join(", ")}.`,
    );
  }
  return CONFORMANCE_GROUPS.filter((g) => groups.includes(g));
}

/**
 * Registers the Papyra conformance suite for one backend with your test runner: one `describe`
 * per group inside `papyra conformance: <name>`. Call it at the top level of a test file.
 * Tests needing an optional capability (scan, recover, compact, metrics) skip themselves at
 * run time, through the runner's test context, when the backend lacks it.
 */
export function runConformanceSuite(
  runner: TestRunner,
  subject: ConformanceSubject,
  options: ConformanceOptions = {},
): void {
  const groups = selectedGroups(options.groups);
  const timeoutMs = options.timeoutMs ?? 60_000;
  runner.describe(`papyra conformance: ${subject.name}`, () => {
    for (const group of groups) {
      runner.describe(group, () => {
        const harness = new SuiteHarness(runner, subject, timeoutMs);
        harness.registerHooks();
        REGISTRARS[group](harness);
      });
    }
  });
}
