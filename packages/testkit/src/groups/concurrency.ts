import assert from "node:assert/strict";
import type { SuiteHarness } from "../harness.js";
import { KINDS, list, makeRecord, seqs, write } from "../records.js";

const WRITES = 1000;

/** 1,000 concurrent writes of mixed kinds: all stored, each once, none torn. */
export function concurrencyGroup(h: SuiteHarness): void {
  h.test(`${WRITES} concurrent writes are all stored exactly once`, async (t) => {
    const backend = await t.open();
    const pending: Promise<void>[] = [];
    for (let n = 0; n < WRITES; n++) {
      const kind = KINDS[n % KINDS.length] ?? "event";
      pending.push(
        write(
          backend,
          kind,
          makeRecord(kind, n, { payload: { seq: n, body: `r${n}-${"✓".repeat(n % 50)}` } }),
        ),
      );
    }
    await Promise.all(pending);
    const seen: number[] = [];
    for (const [k, kind] of KINDS.entries()) {
      const records = await list(backend, kind);
      const got = seqs(records) as number[];
      assert.equal(new Set(got).size, got.length, `${kind}: duplicates`);
      for (const [i, n] of got.entries()) {
        assert.equal(n % KINDS.length, k, `${kind}: record ${n} of another kind`);
        const body = (records[i]?.payload as { body?: unknown } | undefined)?.body;
        assert.equal(body, `r${n}-${"✓".repeat(n % 50)}`, `${kind}: record ${n} changed`);
      }
      seen.push(...got);
    }
    assert.equal(seen.length, WRITES);
    assert.deepEqual(new Set(seen).size, WRITES);
    if (t.canReopen) {
      const again = await t.reopen(backend);
      let total = 0;
      for (const kind of KINDS) total += (await list(again, kind)).length;
      assert.equal(total, WRITES, "all stored after reopen");
    }
  });

  h.test("concurrent writes and reads interleave safely", async (t) => {
    const backend = await t.open();
    const work: Promise<unknown>[] = [];
    for (let n = 0; n < 200; n++) {
      work.push(backend.recordEvent(makeRecord("event", n)));
      if (n % 20 === 0) work.push(backend.listEvents({ limit: 5 }));
    }
    await Promise.all(work);
    const got = seqs(await backend.listEvents()) as number[];
    assert.equal(got.length, 200);
    assert.equal(new Set(got).size, 200);
  });
}
