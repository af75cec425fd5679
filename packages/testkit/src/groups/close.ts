import assert from "node:assert/strict";
import { backendCapabilities, type PersistenceBackend, safeMetricsSnapshot } from "@papyra/core";
import { CLOSED, rejectsWithCode } from "../assertions.js";
import type { SuiteHarness } from "../harness.js";
import { KINDS, list, makeRecord, seqs, write } from "../records.js";

const PENDING = 300;

/** Writes many records of every kind without awaiting them; returns their promises. */
function startWrites(backend: PersistenceBackend): Promise<void>[] {
  const pending: Promise<void>[] = [];
  for (let n = 1; n <= PENDING; n++) {
    const kind = KINDS[n % KINDS.length] ?? "event";
    pending.push(write(backend, kind, makeRecord(kind, n)));
  }
  return pending;
}

function expectedSeqs(kindIndex: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= PENDING; n++) if (n % KINDS.length === kindIndex) out.push(n);
  return out;
}

/** close(): flushes pending writes, rejects later ones, is idempotent, and `await using` works. */
export function closeGroup(h: SuiteHarness): void {
  h.test("writes pending at close() are kept (all resolve, none dropped)", async (t) => {
    const backend = await t.open();
    // allSettled attaches handlers before close, so no rejection goes unhandled meanwhile.
    const pending = Promise.allSettled(startWrites(backend));
    await backend.close();
    const settled = await pending;
    const rejected = settled.filter((s) => s.status === "rejected");
    assert.equal(
      rejected.length,
      0,
      `writes started before close rejected: ${String((rejected[0] as PromiseRejectedResult | undefined)?.reason)}`,
    );
    if (t.canReopen) {
      const reader = await t.reopen(null);
      for (const [k, kind] of KINDS.entries()) {
        assert.deepEqual(seqs(await list(reader, kind)), expectedSeqs(k), `${kind} after close`);
      }
    } else {
      // A closed backend rejects lists too; what it stored shows in its own write counter.
      const written = safeMetricsSnapshot(backend).records_written;
      if (written !== undefined) assert.equal(written, PENDING, "records_written after close");
    }
  });

  h.test("every record* after close() rejects with PersistenceClosedError", async (t) => {
    const backend = await t.open();
    await backend.recordEvent(makeRecord("event", 1));
    await backend.close();
    for (const kind of KINDS) {
      await rejectsWithCode(
        () => write(backend, kind, makeRecord(kind, 2)),
        CLOSED,
        `${kind} after close`,
      );
    }
    if (t.canReopen) {
      const again = await t.reopen(null);
      assert.deepEqual(seqs(await again.listEvents()), [1], "nothing written after close");
    }
  });

  h.test(
    "every operation after close() rejects with PersistenceClosedError (lists, scan, recover and compact too)",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1));
      await backend.close();
      const capabilities = backendCapabilities(backend);
      const operations: [string, () => Promise<unknown>][] = [
        ...KINDS.map((kind): [string, () => Promise<unknown>] => [
          `record ${kind}`,
          () => write(backend, kind, makeRecord(kind, 2)),
        ]),
        ...KINDS.map((kind): [string, () => Promise<unknown>] => [
          `list ${kind}`,
          () => list(backend, kind),
        ]),
      ];
      if (capabilities.scan) operations.push(["scan", () => backend.scan?.() as Promise<unknown>]);
      if (capabilities.recover) {
        operations.push([
          "recover",
          () => backend.recover?.({ mode: "repair" }) as Promise<unknown>,
        ]);
      }
      if (capabilities.compact) {
        operations.push(["compact", () => backend.compact?.() as Promise<unknown>]);
      }
      for (const [name, operation] of operations) {
        await rejectsWithCode(operation, CLOSED, `${name} after close`);
      }
    },
  );

  h.test(
    "a write racing close() either is stored or rejects with PersistenceClosedError",
    async (t) => {
      const backend = await t.open();
      // Outcome handlers are attached at once so an early rejection is never unhandled.
      const settle = (write: Promise<void>) =>
        write.then(
          () => "stored",
          (error: unknown) => (error as { code?: unknown }).code ?? String(error),
        );
      const before = settle(backend.recordEvent(makeRecord("event", 1)));
      const closing = backend.close();
      const after = settle(backend.recordEvent(makeRecord("event", 2)));
      await closing;
      assert.equal(await before, "stored", "a write started before close() was not stored");
      const outcome = await after;
      assert.ok(
        outcome === "stored" || outcome === CLOSED,
        `unexpected outcome ${String(outcome)}`,
      );
      if (t.canReopen) {
        const again = await t.reopen(null);
        const expected = outcome === "stored" ? [1, 2] : [1];
        assert.deepEqual(seqs(await again.listEvents()), expected);
      }
    },
  );

  h.test("close() is idempotent, also when called concurrently", async (t) => {
    const backend = await t.open();
    await backend.recordEvent(makeRecord("event", 1));
    await Promise.all([backend.close(), backend.close()]);
    await backend.close();
    await rejectsWithCode(() => backend.recordEvent(makeRecord("event", 2)), CLOSED);
  });

  h.test("`await using` closes the backend through Symbol.asyncDispose", async (t) => {
    let escaped: PersistenceBackend | undefined;
    {
      await using backend = await t.open();
      assert.equal(typeof backend[Symbol.asyncDispose], "function");
      await backend.recordEvent(makeRecord("event", 1));
      escaped = backend;
    }
    assert.ok(escaped);
    await rejectsWithCode(
      () => (escaped as PersistenceBackend).recordEvent(makeRecord("event", 2)),
      CLOSED,
    );
    if (t.canReopen) {
      const again = await t.reopen(null);
      assert.deepEqual(seqs(await again.listEvents()), [1]);
    }
  });
}
