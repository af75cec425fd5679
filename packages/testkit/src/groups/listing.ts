import assert from "node:assert/strict";
import type { ListQuery } from "@papyra/core";
import { rejectsWithCode, VALIDATION } from "../assertions.js";
import type { SuiteHarness } from "../harness.js";
import { BASE_TIME, KINDS, list, makeRecord, seqs, write, writeAll } from "../records.js";

const TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Listing: order, limit, since/until, reverse, and filters before the limit, for every kind. */
export function listingGroup(h: SuiteHarness): void {
  h.test("an empty store lists nothing", async (t) => {
    const backend = await t.open();
    for (const kind of KINDS) {
      assert.deepEqual(await list(backend, kind), []);
      assert.deepEqual(await list(backend, kind, { limit: 5, reverse: true }), []);
    }
  });

  h.test("records list oldest first, each kind apart", async (t) => {
    const backend = await t.open();
    for (const n of TEN) for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
    for (const kind of KINDS) assert.deepEqual(seqs(await list(backend, kind)), TEN, kind);
  });

  h.test("listing follows write order, not timestamp order", async (t) => {
    const backend = await t.open();
    const order = [3, 1, 2];
    for (const n of order)
      for (const kind of KINDS) await write(backend, kind, makeRecord(kind, n));
    for (const kind of KINDS) assert.deepEqual(seqs(await list(backend, kind)), order, kind);
  });

  h.test("limit keeps the newest N, oldest first; reverse lists newest first", async (t) => {
    const backend = await t.open();
    for (const kind of KINDS) {
      await writeAll(
        backend,
        kind,
        TEN.map((n) => makeRecord(kind, n)),
      );
      const check = async (query: ListQuery, expected: number[]) =>
        assert.deepEqual(
          seqs(await list(backend, kind, query)),
          expected,
          `${kind} ${JSON.stringify(query)}`,
        );
      await check({ limit: 3 }, [8, 9, 10]);
      await check({ limit: 1 }, [10]);
      await check({ limit: 10 }, TEN);
      await check({ limit: 1000 }, TEN);
      await check({ limit: 0 }, []);
      await check({ reverse: true }, [...TEN].reverse());
      await check({ reverse: false }, TEN);
      await check({ limit: 3, reverse: true }, [10, 9, 8]);
      await check({ limit: 0, reverse: true }, []);
      await check({}, TEN);
    }
  });

  h.test("since and until are inclusive epoch seconds and apply before limit", async (t) => {
    const backend = await t.open();
    for (const kind of KINDS) {
      await writeAll(
        backend,
        kind,
        TEN.map((n) => makeRecord(kind, n)),
      );
      const check = async (query: ListQuery, expected: number[]) =>
        assert.deepEqual(
          seqs(await list(backend, kind, query)),
          expected,
          `${kind} ${JSON.stringify(query)}`,
        );
      await check({ since: BASE_TIME + 8 }, [8, 9, 10]);
      await check({ until: BASE_TIME + 2 }, [1, 2]);
      await check({ since: BASE_TIME + 3, until: BASE_TIME + 6 }, [3, 4, 5, 6]);
      await check({ since: BASE_TIME + 3.5, until: BASE_TIME + 5.5 }, [4, 5]);
      await check({ since: BASE_TIME + 4, until: BASE_TIME + 4 }, [4]);
      await check({ since: BASE_TIME + 3, until: BASE_TIME + 6, limit: 2 }, [5, 6]);
      await check({ since: BASE_TIME + 3, until: BASE_TIME + 6, limit: 2, reverse: true }, [6, 5]);
      await check({ until: BASE_TIME + 4, limit: 2 }, [3, 4]);
      await check({ since: BASE_TIME + 11 }, []);
      await check({ until: BASE_TIME }, []);
    }
  });

  h.test(
    "filters see records out of timestamp order and still keep the newest matches",
    async (t) => {
      const backend = await t.open();
      const order = [5, 1, 9, 2, 8, 3];
      for (const n of order) await write(backend, "event", makeRecord("event", n));
      const got = await list(backend, "event", {
        since: BASE_TIME + 2,
        until: BASE_TIME + 8,
        limit: 2,
      });
      assert.deepEqual(seqs(got), [8, 3]);
    },
  );

  h.test("invalid list queries reject with PersistenceValidationError", async (t) => {
    const backend = await t.open();
    for (const kind of KINDS) await write(backend, kind, makeRecord(kind, 1));
    const invalid: unknown[] = [
      { limit: -1 },
      { limit: 1.5 },
      { limit: Number.NaN },
      { limit: "3" },
      { since: Number.NaN },
      { until: Number.POSITIVE_INFINITY },
      { since: BASE_TIME + 5, until: BASE_TIME + 4 },
      { reverse: "yes" },
    ];
    for (const kind of KINDS) {
      for (const query of invalid) {
        await rejectsWithCode(
          () => list(backend, kind, query as ListQuery),
          VALIDATION,
          `${kind} ${JSON.stringify(query)} (${String((query as { limit?: unknown }).limit)})`,
        );
      }
      assert.equal((await list(backend, kind)).length, 1, `${kind} still listed`);
    }
  });
}
