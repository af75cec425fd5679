import assert from "node:assert/strict";
import type { ActorEvent, AuditSnapshot, DeadLetter, RecordKind } from "@papyra/core";
import { rejectsWithCode, VALIDATION } from "../assertions.js";
import type { SuiteHarness } from "../harness.js";
import {
  BASE_TIME,
  KINDS,
  list,
  makeAudit,
  makeDeadLetter,
  makeEvent,
  makeRecord,
  wireCopy,
  write,
} from "../records.js";

const UNICODE =
  "héllo ✓ 日本語 — مرحبا — 🚀👩‍👩‍👧 — e\u0301 — \u2028\u2029 — tab\t nul\u0000 — \\ \" '";

function nested(depth: number): unknown {
  let value: unknown = { leaf: UNICODE, n: [1, 2.5, -3e-7, null, true] };
  for (let i = 0; i < depth; i++) value = i % 2 ? { level: i, child: value } : [i, value];
  return value;
}

/** Records of every kind exercising the wire format: unicode, nesting, unknown fields. */
function richRecords(): { event: ActorEvent; audit: AuditSnapshot; dead_letter: DeadLetter } {
  return {
    event: makeEvent(1, {
      actor_address: { system: "sys ✓", actor_id: "wörker-1", region: "eu" },
      event_type: "ActorCrashed",
      payload: { reason: UNICODE, nested: nested(40), empty: {}, list: [] },
      timestamp: BASE_TIME + 0.123456,
      trace_id: "abc-123",
      schema_version: 2,
      extra: { added_by: "a newer version", values: [1, "two", { three: 3 }] },
    }),
    audit: makeAudit(2, {
      registry_orphans: ["ghost ✓", "幽霊"],
      registry_dead: [UNICODE],
      host: { name: "node-1", tags: ["a", "b"] },
    }),
    dead_letter: makeDeadLetter(3, {
      target: { system: "local", actor_id: 9 },
      message_type: "Ping — ✓",
      payload: [UNICODE, 1, null, { deep: nested(10) }],
      attempts: 3,
    }),
  };
}

/** Round trip of every kind: what a caller writes is what a reader gets back. */
export function roundTripGroup(h: SuiteHarness): void {
  h.test("every kind round-trips unicode, nested payloads and unknown fields", async (t) => {
    const backend = await t.open();
    const records = richRecords();
    for (const kind of KINDS) await write(backend, kind, records[kind]);
    for (const kind of KINDS) {
      assert.deepEqual(await list(backend, kind), [wireCopy(records[kind])], `${kind} round trip`);
    }
  });

  h.test("addresses and targets in every accepted shape round-trip", async (t) => {
    const backend = await t.open();
    const events = [
      makeEvent(1, { actor_address: "local:worker-1" }),
      makeEvent(2, { actor_address: { system: "local", actor_id: 7 } }),
      makeEvent(3, { actor_address: { system: "local", actor_id: "named" } }),
    ];
    const letters = [
      makeDeadLetter(1, { target: null }),
      makeDeadLetter(2, { target: "local:worker-1" }),
      makeDeadLetter(3, { target: { system: "local", actor_id: 7 } }),
      makeDeadLetter(4, { payload: "a plain string" }),
      makeDeadLetter(5, { payload: 42.5 }),
      makeDeadLetter(6, { payload: null }),
      makeDeadLetter(7, { payload: [1, [2, [3]]] }),
      makeDeadLetter(8, { payload: false }),
    ];
    for (const e of events) await backend.recordEvent(e);
    for (const d of letters) await backend.recordDeadLetter(d);
    assert.deepEqual(await backend.listEvents(), wireCopy(events));
    assert.deepEqual(await backend.listDeadLetters(), wireCopy(letters));
  });

  h.test("a payload larger than 1 MB round-trips intact", async (t) => {
    const backend = await t.open();
    const chunk = `${UNICODE}-0123456789abcdef`;
    const big = chunk.repeat(Math.ceil((1.2 * 1024 * 1024) / chunk.length));
    assert.ok(Buffer.byteLength(big, "utf8") > 1024 * 1024);
    const event = makeEvent(1, { payload: { big, after: "end" } });
    const letter = makeDeadLetter(2, { payload: big });
    await backend.recordEvent(event);
    await backend.recordDeadLetter(letter);
    await backend.recordEvent(makeEvent(3));
    const events = await backend.listEvents();
    assert.equal(events.length, 2);
    assert.equal(
      (events[0]?.payload as { big?: string } | undefined)?.big === big,
      true,
      "big payload changed",
    );
    assert.deepEqual(events[0], wireCopy(event));
    assert.deepEqual(events[1], wireCopy(makeEvent(3)));
    const letters = await backend.listDeadLetters();
    assert.equal(letters[0]?.payload === big, true, "big dead-letter payload changed");
  });

  h.test("timestamps keep their fractional precision", async (t) => {
    const backend = await t.open();
    const stamps = [BASE_TIME + 0.000001, BASE_TIME + 0.5, 1_763_769_600.123_456_7, 0, 1e-3];
    for (const [i, timestamp] of stamps.entries()) {
      await backend.recordAudit(makeAudit(i, { timestamp }));
    }
    assert.deepEqual(
      (await backend.listAudits()).map((a) => a.timestamp),
      stamps,
    );
  });

  h.test("records come back without a `kind` field", async (t) => {
    const backend = await t.open();
    for (const kind of KINDS) await write(backend, kind, makeRecord(kind, 1));
    for (const kind of KINDS) {
      const [record] = await list(backend, kind);
      assert.ok(record, `${kind} missing`);
      assert.equal(Object.hasOwn(record, "kind"), false, `${kind} listed with a kind field`);
    }
  });

  h.test(
    "changing a record after writing it, or a listed record, changes nothing stored",
    async (t) => {
      const backend = await t.open();
      const event = makeEvent(1, { payload: { seq: 1, list: [1, 2] } });
      const original = wireCopy(event);
      await backend.recordEvent(event);
      (event.payload as { list: number[] }).list.push(3);
      event.event_type = "Mutated";
      const [listed] = await backend.listEvents();
      assert.deepEqual(listed, original);
      if (listed) {
        listed.event_type = "MutatedAgain";
        (listed.payload as { list: number[] }).list.push(4);
      }
      assert.deepEqual(await backend.listEvents(), [original]);
    },
  );

  h.test(
    "invalid records are rejected with PersistenceValidationError and not stored",
    async (t) => {
      const backend = await t.open();
      const bad: [RecordKind, Record<string, unknown>][] = [
        ["event", { ...makeEvent(1), timestamp: Number.NaN }],
        ["event", { ...makeEvent(2), timestamp: Number.POSITIVE_INFINITY }],
        ["event", { ...makeEvent(3), timestamp: "1763769600" }],
        ["event", { ...makeEvent(4), payload: "not an object" }],
        ["event", { ...makeEvent(5), system_id: undefined }],
        ["audit", { ...makeAudit(1), timestamp: Number.NaN }],
        ["audit", { ...makeAudit(2), total_actors: 1.5 }],
        ["audit", { ...makeAudit(3), registry_orphans: "ghost" }],
        ["dead_letter", { ...makeDeadLetter(1), timestamp: Number.NaN }],
        ["dead_letter", { ...makeDeadLetter(2), message_type: 7 }],
      ];
      for (const [kind, record] of bad) {
        await rejectsWithCode(
          () => write(backend, kind, record as never),
          VALIDATION,
          `${kind} ${JSON.stringify(record)}`,
        );
      }
      for (const kind of KINDS) assert.deepEqual(await list(backend, kind), [], `${kind} stored`);
      await backend.recordEvent(makeEvent(9));
      assert.equal((await backend.listEvents()).length, 1, "a valid write after rejected ones");
    },
  );

  h.testWithReopen("records survive closing and reopening the store", async (t) => {
    const backend = await t.open();
    const records = richRecords();
    for (const kind of KINDS) await write(backend, kind, records[kind]);
    const again = await t.reopen(backend);
    for (const kind of KINDS) {
      assert.deepEqual(await list(again, kind), [wireCopy(records[kind])], `${kind} after reopen`);
    }
  });
}
