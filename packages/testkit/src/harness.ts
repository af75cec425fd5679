import {
  type BackendCapabilities,
  backendCapabilities,
  type PersistenceBackend,
  type RetentionPolicy,
} from "@papyra/core";
import type { ConformanceSubject, TestBody, TestRunner } from "./types.js";

/** An optional capability a test needs. */
export type Capability = keyof BackendCapabilities;

/** Thrown inside a test when the backend lacks what the test needs; the test is then skipped. */
class CapabilityMissing extends Error {
  constructor(readonly capability: Capability) {
    super(`the backend has no ${capability}`);
  }
}

/** What one test body gets: opening helpers that track every backend so it is closed after. */
export interface TestHarness {
  /** Opens a fresh, empty store (`subject.create`). */
  open(retention?: RetentionPolicy): Promise<PersistenceBackend>;
  /** True when the subject can reopen the same store. */
  readonly canReopen: boolean;
  /** Closes `current` (if given) and opens the same store again (`subject.reopen`). */
  reopen(
    current: PersistenceBackend | null,
    retention?: RetentionPolicy,
  ): Promise<PersistenceBackend>;
}

interface TestOptions {
  /** Skips the test when the first backend opened lacks any of these capabilities. */
  requires?: Capability | readonly Capability[];
}

/** Registers tests for one group with shared open/close bookkeeping. */
export class SuiteHarness {
  readonly #runner: TestRunner;
  readonly #subject: ConformanceSubject;
  readonly #timeoutMs: number;
  #opened: PersistenceBackend[] = [];

  constructor(runner: TestRunner, subject: ConformanceSubject, timeoutMs: number) {
    this.#runner = runner;
    this.#subject = subject;
    this.#timeoutMs = timeoutMs;
  }

  /** True when the subject can reopen a store (tests of persistence across instances run). */
  get canReopen(): boolean {
    return typeof this.#subject.reopen === "function";
  }

  /** Registers a test that needs `subject.reopen`, or a skipped one saying it is missing. */
  testWithReopen(
    name: string,
    body: (h: TestHarness) => Promise<void>,
    options: TestOptions = {},
  ): void {
    if (this.canReopen) this.test(name, body, options);
    else this.skipped(name, "the subject has no reopen()");
  }

  /** Registers the per-test cleanup: close whatever the test opened, then `subject.cleanup`. */
  registerHooks(): void {
    this.#runner.afterEach(async () => {
      const opened = this.#opened;
      this.#opened = [];
      for (const backend of opened) {
        try {
          await backend.close();
        } catch {
          // A test may have left a backend in a failed state; cleanup must still run.
        }
      }
      await this.#subject.cleanup?.();
    });
  }

  /** Registers one test; `requires` skips it (at run time) when the backend lacks a capability. */
  test(name: string, body: (h: TestHarness) => Promise<void>, options: TestOptions = {}): void {
    const requires: readonly Capability[] =
      options.requires === undefined
        ? []
        : typeof options.requires === "string"
          ? [options.requires]
          : options.requires;
    const label = requires.length
      ? `${name} [needs ${requires.join(" + ")}; skipped when the backend lacks it]`
      : name;
    const run: TestBody = async (context) => {
      try {
        await body(this.#harness(requires));
      } catch (error) {
        if (!(error instanceof CapabilityMissing)) throw error;
        skipDynamically(context, `${this.#subject.name}: ${error.message}`);
      }
    };
    this.#runner.it(label, run, this.#timeoutMs);
  }

  /** Registers a test that can only ever be skipped for this subject (e.g. needs `reopen`). */
  skipped(name: string, reason: string): void {
    const skip = this.#runner.it.skip;
    if (typeof skip === "function") skip(`${name} [skipped: ${reason}]`, async () => {});
  }

  #harness(requires: readonly Capability[]): TestHarness {
    let checked = requires.length === 0;
    const track = (backend: PersistenceBackend): PersistenceBackend => {
      this.#opened.push(backend);
      if (!checked) {
        checked = true;
        const capabilities = backendCapabilities(backend);
        const missing = requires.find((capability) => !capabilities[capability]);
        if (missing) throw new CapabilityMissing(missing);
      }
      return backend;
    };
    const subject = this.#subject;
    return {
      open: async (retention) => track(await subject.create(retention ? { retention } : {})),
      canReopen: typeof subject.reopen === "function",
      reopen: async (current, retention) => {
        if (!subject.reopen) throw new Error("the subject has no reopen()");
        if (current) await current.close();
        return track(await subject.reopen(retention ? { retention } : {}));
      },
    };
  }
}

/**
 * Marks the running test skipped through the runner's test context (`ctx.skip()` in vitest,
 * `t.skip()` in node:test). A runner without one lets the test pass; its name says why.
 */
function skipDynamically(context: unknown, reason: string): void {
  // vitest's test context is a function object, node:test's a plain object.
  if ((typeof context === "object" || typeof context === "function") && context !== null) {
    const skip = (context as { skip?: unknown }).skip;
    if (typeof skip === "function") (skip as (note?: string) => void).call(context, reason);
  }
}
