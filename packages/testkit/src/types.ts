import type { PersistenceBackend, RetentionPolicy } from "@papyra/core";

/** The suite's group names, in the order they run. Each group can be run alone. */
export const CONFORMANCE_GROUPS = [
  "round-trip",
  "read-back",
  "listing",
  "retention",
  "close",
  "metrics",
  "concurrency",
  "prototype-safety",
  "scan",
  "recovery",
  "compaction",
] as const;

/** One of {@link CONFORMANCE_GROUPS}. */
export type ConformanceGroup = (typeof CONFORMANCE_GROUPS)[number];

/** A test body as the suite registers it; `context` is whatever the runner passes (may be absent). */
export type TestBody = (context?: unknown) => Promise<void>;

/**
 * The test functions of your runner (vitest, jest, node:test, ...). The suite never imports a
 * runner itself. `it` may take a timeout in milliseconds as its third argument.
 */
export interface TestRunner {
  describe: (name: string, fn: () => void) => unknown;
  it: ((name: string, fn: TestBody, timeout?: number) => unknown) & {
    skip?: (name: string, fn: TestBody) => unknown;
  };
  beforeEach: (fn: () => unknown) => unknown;
  afterEach: (fn: () => unknown) => unknown;
}

/** Options the suite passes when it opens a store. */
export interface OpenOptions {
  /** The retention policy the backend must apply; absent means keep everything. */
  retention?: RetentionPolicy;
}

/** The backend under test: how to open it, reopen it and clean up after each test. */
export interface ConformanceSubject {
  /** Shown in the suite's name. */
  name: string;
  /** Opens a fresh, empty store. Called at least once per test. */
  create: (options: OpenOptions) => Promise<PersistenceBackend>;
  /**
   * Opens the store the last `create` opened, again (the suite closes the earlier instance
   * first). Give it when the backend persists, so the suite checks data survives a reopen.
   */
  reopen?: (options: OpenOptions) => Promise<PersistenceBackend>;
  /** Called after each test, once every backend the test opened is closed. */
  cleanup?: () => Promise<void>;
}

/** Options of {@link runConformanceSuite}. */
export interface ConformanceOptions {
  /** Run only these groups (default: all). */
  groups?: readonly ConformanceGroup[];
  /** Timeout passed to `it` for each test, in milliseconds (default 60000). */
  timeoutMs?: number;
}
