import assert from "node:assert/strict";
import {
  applyRetention,
  nowSeconds,
  type RecordByKind,
  type RecordKind,
  type RetentionPolicy,
} from "@papyra/core";
import type { SuiteHarness } from "../harness.js";
import { KINDS, list, makeRecord, recordBytes, seqs, write } from "../records.js";

const HOUR = 3600;

/** Records of `kind` numbered by `seq`, with a payload of `padding` extra characters. */
function padded<K extends RecordKind>(
  kind: K,
  seq: number,
  padding: number,
  timestamp: number,
): RecordByKind[K] {
  const payload = { seq, pad: "x".repeat(padding) };
  return makeRecord(kind, seq, { payload, timestamp });
}

/** What `policy` keeps of `records` (all of one kind, oldest first), by core's reference rules. */
function expectedKept<K extends RecordKind>(
  kind: K,
  records: RecordByKind[K][],
  policy: RetentionPolicy,
  now: number,
): unknown[] {
  const items = records.map((record) => ({
    kind,
    timestamp: record.timestamp,
    bytes: recordBytes(kind, record),
    record,
  }));
  return seqs(applyRetention(items, policy, now).map((i) => i.record));
}

/** Retention per kind: each rule alone and combined, kinds never evicting each other. */
export function retentionGroup(h: SuiteHarness): void {
  h.test("maxRecords keeps the newest N of each kind", async (t) => {
    const backend = await t.open({ maxRecords: 3 });
    const now = nowSeconds();
    for (let n = 1; n <= 8; n++) {
      for (const kind of KINDS) await write(backend, kind, padded(kind, n, 0, now - 100 + n));
    }
    for (const kind of KINDS) {
      assert.deepEqual(seqs(await list(backend, kind)), [6, 7, 8], kind);
      assert.deepEqual(seqs(await list(backend, kind, { limit: 2 })), [7, 8], `${kind} limit 2`);
      assert.deepEqual(
        seqs(await list(backend, kind, { reverse: true })),
        [8, 7, 6],
        `${kind} reverse`,
      );
    }
  });

  h.test("maxRecords 0 keeps nothing", async (t) => {
    const backend = await t.open({ maxRecords: 0 });
    for (const kind of KINDS) await write(backend, kind, makeRecord(kind, 1));
    for (const kind of KINDS) assert.deepEqual(await list(backend, kind), [], kind);
  });

  h.test(
    "maxAgeSeconds drops records older than the window, including old timestamps written now",
    async (t) => {
      const backend = await t.open({ maxAgeSeconds: HOUR });
      const now = nowSeconds();
      // Written in this order: old, fresh, very old, fresh, just inside the window.
      const stamps = [now - 2 * HOUR, now - 10, now - 30 * 24 * HOUR, now - 5, now - HOUR + 120];
      for (const kind of KINDS) {
        for (const [i, ts] of stamps.entries())
          await write(backend, kind, padded(kind, i + 1, 0, ts));
      }
      for (const kind of KINDS) {
        assert.deepEqual(seqs(await list(backend, kind)), [2, 4, 5], kind);
        assert.deepEqual(seqs(await list(backend, kind, { limit: 2 })), [4, 5], `${kind} limit 2`);
      }
    },
  );

  h.test("maxTotalBytes keeps the newest records whose stored lines fit the budget", async (t) => {
    const now = nowSeconds();
    const records = KINDS.map((kind) =>
      [10, 200, 30, 400, 50].map((pad, i) => padded(kind, i + 1, pad, now - 50 + i)),
    );
    // Budget: exactly the last three events' lines (each line's UTF-8 bytes plus its newline).
    const events = records[0] as RecordByKind["event"][];
    const budget = events.slice(2).reduce((sum, r) => sum + recordBytes("event", r), 0);
    const backend = await t.open({ maxTotalBytes: budget });
    for (const [k, kind] of KINDS.entries()) {
      for (const record of records[k] as RecordByKind[RecordKind][])
        await write(backend, kind, record);
    }
    assert.deepEqual(seqs(await list(backend, "event")), [3, 4, 5], "exact budget keeps three");
    for (const [k, kind] of KINDS.entries()) {
      const expected = expectedKept(
        kind,
        records[k] as RecordByKind[RecordKind][],
        { maxTotalBytes: budget },
        now,
      );
      assert.deepEqual(seqs(await list(backend, kind)), expected, kind);
    }
  });

  h.test("maxTotalBytes one byte short of the newest three keeps two", async (t) => {
    const now = nowSeconds();
    const events = [10, 200, 30, 400, 50].map((pad, i) =>
      padded("event", i + 1, pad, now - 50 + i),
    );
    const budget = events.slice(2).reduce((sum, r) => sum + recordBytes("event", r), 0) - 1;
    const backend = await t.open({ maxTotalBytes: budget });
    for (const e of events) await backend.recordEvent(e);
    assert.deepEqual(seqs(await backend.listEvents()), [4, 5]);
  });

  h.test("maxTotalBytes counts UTF-8 bytes, not characters", async (t) => {
    const now = nowSeconds();
    const wide = (seq: number) =>
      makeRecord("event", seq, {
        payload: { seq, text: "日本語✓".repeat(50) },
        timestamp: now - 10 + seq,
      });
    const events = [wide(1), wide(2), wide(3)];
    const size = recordBytes("event", events[0] as RecordByKind["event"]);
    // Two lines' bytes; counting characters instead would wrongly keep all three.
    const backend = await t.open({ maxTotalBytes: size * 2 });
    for (const e of events) await backend.recordEvent(e);
    assert.deepEqual(seqs(await backend.listEvents()), [2, 3]);
  });

  h.test("a record larger than maxTotalBytes is not kept and keeps nothing older", async (t) => {
    const now = nowSeconds();
    const small = padded("event", 1, 0, now - 3);
    const huge = padded("event", 2, 5000, now - 2);
    const backend = await t.open({ maxTotalBytes: recordBytes("event", small) * 3 });
    await backend.recordEvent(small);
    await backend.recordEvent(huge);
    assert.deepEqual(await backend.listEvents(), []);
    const newest = padded("event", 3, 0, now - 1);
    await backend.recordEvent(newest);
    assert.deepEqual(seqs(await backend.listEvents()), [3]);
  });

  h.test("combined rules apply age, then count, then bytes, per kind", async (t) => {
    const now = nowSeconds();
    const pads = [10, 10, 300, 10, 10, 10, 10, 300, 10];
    const ages = [3 * HOUR, 60, 50, 2 * HOUR, 40, 30, 20, 10, 5];
    const records = KINDS.map((kind) =>
      pads.map((pad, i) => padded(kind, i + 1, pad, now - (ages[i] as number))),
    );
    const events = records[0] as RecordByKind["event"][];
    // Budget: the last three events fit, a fourth does not.
    const budget = events.slice(-3).reduce((sum, r) => sum + recordBytes("event", r), 0) + 5;
    const policies: RetentionPolicy[] = [
      { maxAgeSeconds: HOUR, maxRecords: 5, maxTotalBytes: budget },
      { maxAgeSeconds: HOUR, maxRecords: 2, maxTotalBytes: budget },
      { maxAgeSeconds: HOUR, maxRecords: 4 },
      { maxRecords: 6, maxTotalBytes: budget * 2 },
      { maxAgeSeconds: 35, maxTotalBytes: budget },
    ];
    for (const policy of policies) {
      const backend = await t.open(policy);
      for (let i = 0; i < pads.length; i++) {
        for (const [k, kind] of KINDS.entries()) {
          await write(
            backend,
            kind,
            (records[k] as RecordByKind[RecordKind][])[i] as RecordByKind[RecordKind],
          );
        }
      }
      for (const [k, kind] of KINDS.entries()) {
        const expected = expectedKept(kind, records[k] as RecordByKind[RecordKind][], policy, now);
        assert.deepEqual(
          seqs(await list(backend, kind)),
          expected,
          `${kind} ${JSON.stringify(policy)}`,
        );
      }
      await backend.close();
    }
    // Spot-check the reference itself for the first policy: age drops 1 and 4, bytes keep 7..9.
    assert.deepEqual(expectedKept("event", events, policies[0] as RetentionPolicy, now), [7, 8, 9]);
  });

  h.test("kinds never evict each other", async (t) => {
    const now = nowSeconds();
    const events = [padded("event", 1, 0, now - 10), padded("event", 2, 0, now - 9)];
    const audits = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) =>
      padded("audit", n, 0, now - 8 + n / 10),
    );
    const letters = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) =>
      padded("dead_letter", n, 0, now - 6 + n / 10),
    );
    const budget = events.reduce((sum, e) => sum + recordBytes("event", e), 0);
    const policy: RetentionPolicy = { maxRecords: 2, maxTotalBytes: budget };
    const backend = await t.open(policy);
    for (const e of events) await backend.recordEvent(e);
    for (const a of audits) await backend.recordAudit(a);
    for (const d of letters) await backend.recordDeadLetter(d);
    assert.deepEqual(seqs(await backend.listEvents()), [1, 2], "events kept despite newer audits");
    assert.deepEqual(seqs(await backend.listAudits()), expectedKept("audit", audits, policy, now));
    assert.deepEqual(
      seqs(await backend.listDeadLetters()),
      expectedKept("dead_letter", letters, policy, now),
    );
    assert.ok((await backend.listAudits()).length > 0, "audits bounded on their own budget");
  });

  h.test(
    "a backend exposing `retention` reports the policy it was opened with",
    async (t) => {
      const policy: RetentionPolicy = {
        maxRecords: 7,
        maxAgeSeconds: 86_400,
        maxTotalBytes: 1_000_000,
      };
      const backend = await t.open(policy);
      const exposed = backend.retention as Record<string, unknown>;
      for (const [rule, value] of Object.entries(policy)) {
        assert.equal(exposed[rule], value, `retention.${rule}`);
      }
    },
    { requires: "retention" },
  );

  h.test("no retention keeps everything", async (t) => {
    const backend = await t.open();
    for (let n = 1; n <= 50; n++)
      await backend.recordEvent(makeRecord("event", n, { timestamp: 1000 + n }));
    assert.equal((await backend.listEvents()).length, 50);
  });

  h.testWithReopen("retention given at reopen applies to records written without it", async (t) => {
    const first = await t.open();
    const now = nowSeconds();
    for (let n = 1; n <= 6; n++) await first.recordEvent(padded("event", n, 0, now - 100 + n));
    await first.recordEvent(padded("event", 7, 0, now - 10 * HOUR));
    const again = await t.reopen(first, { maxRecords: 3, maxAgeSeconds: HOUR });
    assert.deepEqual(seqs(await again.listEvents()), [4, 5, 6]);
  });
}
