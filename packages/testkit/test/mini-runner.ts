import type { TestBody, TestRunner } from "../src/index.js";

type Hook = () => unknown;

interface Scope {
  name: string;
  parent: Scope | null;
  beforeEach: Hook[];
  afterEach: Hook[];
}

interface RegisteredTest {
  name: string;
  scope: Scope;
  fn: TestBody;
  skipped: boolean;
}

/** How one test ended. */
export interface TestOutcome {
  name: string;
  status: "passed" | "failed" | "skipped";
  error?: unknown;
}

class SkipSignal extends Error {}

function fullName(scope: Scope | null, name: string): string {
  const parts = [name];
  for (let s = scope; s?.name; s = s?.parent) parts.unshift(s.name);
  return parts.join(" > ");
}

/**
 * A minimal in-process test runner: collects what the suite registers, then runs each test
 * with its describe-scoped hooks. Lets the testkit's own tests check which tests pass or fail.
 */
export function createMiniRunner(): { runner: TestRunner; run: () => Promise<TestOutcome[]> } {
  const root: Scope = { name: "", parent: null, beforeEach: [], afterEach: [] };
  let current = root;
  const tests: RegisteredTest[] = [];
  const it = Object.assign(
    (name: string, fn: TestBody) => {
      tests.push({ name: fullName(current, name), scope: current, fn, skipped: false });
    },
    {
      skip: (name: string, fn: TestBody) => {
        tests.push({ name: fullName(current, name), scope: current, fn, skipped: true });
      },
    },
  );
  const runner: TestRunner = {
    describe: (name, fn) => {
      const parent = current;
      current = { name, parent, beforeEach: [], afterEach: [] };
      try {
        fn();
      } finally {
        current = parent;
      }
    },
    it,
    beforeEach: (fn) => {
      current.beforeEach.push(fn);
    },
    afterEach: (fn) => {
      current.afterEach.push(fn);
    },
  };
  const run = async (): Promise<TestOutcome[]> => {
    const outcomes: TestOutcome[] = [];
    for (const test of tests) {
      if (test.skipped) {
        outcomes.push({ name: test.name, status: "skipped" });
        continue;
      }
      const chain: Scope[] = [];
      for (let s: Scope | null = test.scope; s; s = s.parent) chain.unshift(s);
      let outcome: TestOutcome = { name: test.name, status: "passed" };
      // A function object with a skip method, as vitest's test context is.
      const context = Object.assign(() => {}, {
        skip: (note?: string) => {
          throw new SkipSignal(note);
        },
      });
      try {
        for (const scope of chain) for (const hook of scope.beforeEach) await hook();
        await test.fn(context);
      } catch (error) {
        outcome =
          error instanceof SkipSignal
            ? { name: test.name, status: "skipped" }
            : { name: test.name, status: "failed", error };
      }
      for (const scope of [...chain].reverse()) {
        for (const hook of scope.afterEach) {
          try {
            await hook();
          } catch (error) {
            outcome = { name: test.name, status: "failed", error };
          }
        }
      }
      outcomes.push(outcome);
    }
    return outcomes;
  };
  return { runner, run };
}
