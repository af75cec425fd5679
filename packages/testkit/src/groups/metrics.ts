import assert from "node:assert/strict";
import {
  backendCapabilities,
  METRIC_NAMES,
  type MetricName,
  type PersistenceBackend,
} from "@papyra/core";
import { CLOSED, rejectsWithCode, VALIDATION } from "../assertions.js";
import type { SuiteHarness } from "../harness.js";
import { KINDS, list, makeRecord, recordBytes, write } from "../records.js";

type Counters = Record<MetricName, number>;

function snapshot(backend: PersistenceBackend): Counters {
  const snap = backend.metrics?.snapshot() ?? {};
  const out = {} as Counters;
  for (const name of METRIC_NAMES) {
    const value = snap[name];
    assert.equal(typeof value, "number", `metrics.snapshot().${name} is not a number`);
    out[name] = value as number;
  }
  return out;
}

/** Asserts the counters moved from `before` exactly by `moved`; every counter not named stays. */
function assertMoved(
  backend: PersistenceBackend,
  before: Counters,
  moved: Partial<Counters>,
  what: string,
): Counters {
  const after = snapshot(backend);
  for (const name of METRIC_NAMES) {
    assert.equal(
      after[name] - before[name],
      moved[name] ?? 0,
      `${what}: ${name} moved by ${after[name] - before[name]}`,
    );
  }
  return after;
}

/** Metrics: every counter moves as specified; reset zeroes all eleven without touching data. */
export function metricsGroup(h: SuiteHarness): void {
  const needs = { requires: "metrics" } as const;

  h.test(
    "snapshot() returns all eleven counters, at zero on a fresh store",
    async (t) => {
      const backend = await t.open();
      const snap = snapshot(backend);
      for (const name of METRIC_NAMES) assert.equal(snap[name], 0, name);
      const copy = backend.metrics?.snapshot() as Record<string, number>;
      copy.records_written = 999;
      assert.equal(snapshot(backend).records_written, 0, "snapshot is a copy");
    },
    needs,
  );

  h.test(
    "successful writes count records_written and bytes_written (stored line + newline)",
    async (t) => {
      const backend = await t.open();
      let before = snapshot(backend);
      for (const kind of KINDS) {
        const record = makeRecord(kind, 1, { note: "ünïcode ✓" });
        await write(backend, kind, record);
        before = assertMoved(
          backend,
          before,
          { records_written: 1, bytes_written: recordBytes(kind, record) },
          `write ${kind}`,
        );
      }
    },
    needs,
  );

  h.test(
    "a rejected write counts in write_errors only",
    async (t) => {
      const backend = await t.open();
      let before = snapshot(backend);
      for (const kind of KINDS) {
        const bad = makeRecord(kind, 1, { timestamp: Number.NaN });
        await rejectsWithCode(() => write(backend, kind, bad), VALIDATION);
        before = assertMoved(backend, before, { write_errors: 1 }, `invalid ${kind}`);
      }
    },
    needs,
  );

  h.test(
    "a write rejected because the backend is closed moves no counter",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      await backend.close();
      let before = snapshot(backend);
      for (const kind of KINDS) {
        await rejectsWithCode(() => write(backend, kind, makeRecord(kind, 2)), CLOSED);
        // Not a storage failure, and a closed backend may have flushed its counters already.
        before = assertMoved(backend, before, {}, `${kind} after close`);
      }
    },
    needs,
  );

  h.test(
    "listing counts the records it returns in records_read",
    async (t) => {
      const backend = await t.open();
      for (const kind of KINDS)
        for (let n = 1; n <= 4; n++) await write(backend, kind, makeRecord(kind, n));
      let before = snapshot(backend);
      for (const kind of KINDS) {
        await list(backend, kind);
        before = assertMoved(backend, before, { records_read: 4 }, `list ${kind}`);
        await list(backend, kind, { limit: 2 });
        before = assertMoved(backend, before, { records_read: 2 }, `list ${kind} limit 2`);
        await list(backend, kind, { limit: 0 });
        before = assertMoved(backend, before, { records_read: 0 }, `list ${kind} limit 0`);
      }
    },
    needs,
  );

  h.test(
    "a rejected list query counts in read_errors only",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      const before = snapshot(backend);
      await rejectsWithCode(() => backend.listEvents({ limit: -1 }), VALIDATION);
      assertMoved(backend, before, { read_errors: 1 }, "invalid list query");
    },
    needs,
  );

  h.test(
    "scan() counts scan_operations; a clean scan detects no anomaly",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      const before = snapshot(backend);
      await backend.scan?.();
      await backend.scan?.();
      assertMoved(backend, before, { scan_operations: 2 }, "two clean scans");
    },
    { requires: ["metrics", "scan"] },
  );

  h.test(
    "recover() counts recovery_attempts",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      const before = snapshot(backend);
      await backend.recover?.({ mode: "ignore" });
      const after = snapshot(backend);
      assert.equal(after.recovery_attempts - before.recovery_attempts, 1, "recovery_attempts");
      for (const name of [
        "recovery_failures",
        "anomaly_detected",
        "records_written",
        "write_errors",
        "compaction_errors",
      ] as const) {
        assert.equal(after[name], before[name], `${name} moved on a clean recovery`);
      }
    },
    { requires: ["metrics", "recover"] },
  );

  h.test(
    "compact() counts compactions_triggered",
    async (t) => {
      const backend = await t.open({ maxRecords: 2 });
      for (let n = 1; n <= 5; n++) await backend.recordEvent(makeRecord("event", n));
      const before = snapshot(backend);
      await backend.compact?.();
      await backend.compact?.();
      const after = snapshot(backend);
      assert.equal(
        after.compactions_triggered - before.compactions_triggered,
        2,
        "compactions_triggered",
      );
      for (const name of [
        "compaction_errors",
        "records_written",
        "bytes_written",
        "write_errors",
      ] as const) {
        assert.equal(after[name], before[name], `${name} moved on compaction`);
      }
    },
    { requires: ["metrics", "compact"] },
  );

  h.test(
    "an aborted compaction counts in compaction_errors and changes nothing",
    async (t) => {
      const backend = await t.open({ maxRecords: 2 });
      for (let n = 1; n <= 5; n++) await backend.recordEvent(makeRecord("event", n));
      const listed = await backend.listEvents();
      const before = snapshot(backend);
      const controller = new AbortController();
      const reason = new Error("conformance abort");
      controller.abort(reason);
      await assert.rejects(
        () =>
          (backend.compact as NonNullable<PersistenceBackend["compact"]>)({
            signal: controller.signal,
          }),
        (error) => error === reason,
      );
      const after = snapshot(backend);
      assert.equal(after.compaction_errors - before.compaction_errors, 1, "compaction_errors");
      assert.deepEqual(await backend.listEvents(), listed);
    },
    { requires: ["metrics", "compact"] },
  );

  h.test(
    "an aborted recovery counts in recovery_failures",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      const before = snapshot(backend);
      const controller = new AbortController();
      const reason = new Error("conformance abort");
      controller.abort(reason);
      await assert.rejects(
        () =>
          (backend.recover as NonNullable<PersistenceBackend["recover"]>)({
            mode: "repair",
            signal: controller.signal,
          }),
        (error) => error === reason,
      );
      const after = snapshot(backend);
      assert.equal(after.recovery_failures - before.recovery_failures, 1, "recovery_failures");
      assert.equal((await backend.listEvents()).length, 1);
    },
    { requires: ["metrics", "recover"] },
  );

  h.test(
    "reset() zeroes all eleven counters and keeps the data",
    async (t) => {
      const backend = await t.open();
      const caps = backendCapabilities(backend);
      for (const kind of KINDS) await write(backend, kind, makeRecord(kind, 1));
      await rejectsWithCode(
        () => backend.recordEvent(makeRecord("event", 2, { timestamp: Number.NaN })),
        VALIDATION,
      );
      await rejectsWithCode(() => backend.listEvents({ limit: 1.5 }), VALIDATION);
      await backend.listEvents();
      if (caps.scan) await backend.scan?.();
      if (caps.recover) await backend.recover?.({ mode: "ignore" });
      if (caps.compact) await backend.compact?.();
      const moved = snapshot(backend);
      for (const name of [
        "records_written",
        "bytes_written",
        "write_errors",
        "records_read",
        "read_errors",
      ] as const) {
        assert.ok(moved[name] > 0, `${name} did not move`);
      }
      backend.metrics?.reset();
      const zero = snapshot(backend);
      for (const name of METRIC_NAMES) assert.equal(zero[name], 0, `${name} after reset`);
      for (const kind of KINDS) assert.equal((await list(backend, kind)).length, 1, `${kind} kept`);
      await backend.recordEvent(makeRecord("event", 3));
      assert.equal(snapshot(backend).records_written, 1, "counts again from zero");
    },
    needs,
  );
}
