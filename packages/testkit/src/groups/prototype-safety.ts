import assert from "node:assert/strict";
import type { SuiteHarness } from "../harness.js";
import { KINDS, list, makeRecord, write } from "../records.js";

// Parsed from text on purpose: an object literal `{ __proto__: x }` would set the prototype
// instead of creating an own `__proto__` key.
const HOSTILE =
  '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"ok":1}';

function hostile(): Record<string, unknown> {
  return JSON.parse(HOSTILE) as Record<string, unknown>;
}

function assertNotPolluted(): void {
  const probe: Record<string, unknown> = {};
  assert.equal(probe.polluted, undefined, "Object.prototype was polluted");
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
}

function assertHostileShape(value: unknown, where: string): void {
  assert.equal(typeof value, "object", where);
  const object = value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(object), Object.prototype, `${where}: prototype changed`);
  for (const key of ["__proto__", "constructor", "prototype"]) {
    assert.ok(Object.hasOwn(object, key), `${where}: ${key} is not an own key`);
  }
  assert.equal(object.polluted, undefined, `${where}: inherited from a __proto__ key`);
  assert.deepEqual(Object.keys(object).sort(), ["__proto__", "constructor", "ok", "prototype"]);
}

/** `__proto__`/`constructor`/`prototype` keys are stored and returned as plain own keys. */
export function prototypeSafetyGroup(h: SuiteHarness): void {
  h.test(
    "__proto__, constructor and prototype keys in payloads are harmless own keys",
    async (t) => {
      const backend = await t.open();
      await backend.recordEvent(makeRecord("event", 1, { payload: hostile() }));
      await backend.recordDeadLetter(makeRecord("dead_letter", 1, { payload: hostile() }));
      await backend.recordDeadLetter(
        makeRecord("dead_letter", 2, { payload: [hostile(), { nested: hostile() }] }),
      );
      const [event] = await backend.listEvents();
      assertHostileShape(event?.payload, "event payload");
      const letters = await backend.listDeadLetters();
      assertHostileShape(letters[0]?.payload, "dead letter payload");
      const array = letters[1]?.payload as [unknown, { nested: unknown }];
      assertHostileShape(array[0], "payload array item");
      assertHostileShape(array[1].nested, "nested payload");
      assertNotPolluted();
    },
  );

  h.test(
    "__proto__, constructor and prototype keys at the top of a record are kept as unknown fields",
    async (t) => {
      const backend = await t.open();
      for (const kind of KINDS) {
        const record = Object.assign(hostile(), makeRecord(kind, 1)) as Record<string, unknown>;
        assert.ok(Object.hasOwn(record, "__proto__"));
        await write(backend, kind, record as never);
      }
      for (const kind of KINDS) {
        const [record] = (await list(backend, kind)) as Record<string, unknown>[];
        assert.ok(record, `${kind} missing`);
        assert.equal(Object.getPrototypeOf(record), Object.prototype, `${kind}: prototype changed`);
        for (const key of ["__proto__", "constructor", "prototype"]) {
          assert.ok(Object.hasOwn(record, key), `${kind}: ${key} is not an own key`);
          assert.deepEqual(
            Object.getOwnPropertyDescriptor(record, key)?.value,
            (hostile() as Record<string, unknown>)[key],
            `${kind}: ${key} changed`,
          );
        }
        assert.equal(record.polluted, undefined, `${kind}: inherited from a __proto__ key`);
        assert.equal(record.system_id, "conformance");
      }
      assertNotPolluted();
    },
  );

  h.test("a system_id or event_type named __proto__ or constructor round-trips", async (t) => {
    const backend = await t.open();
    await backend.recordEvent(
      makeRecord("event", 1, { system_id: "__proto__", event_type: "constructor" }),
    );
    await backend.recordAudit(
      makeRecord("audit", 1, { system_id: "constructor", registry_orphans: ["__proto__"] }),
    );
    const [event] = await backend.listEvents();
    assert.equal(event?.system_id, "__proto__");
    assert.equal(event?.event_type, "constructor");
    const [audit] = await backend.listAudits();
    assert.deepEqual(audit?.registry_orphans, ["__proto__"]);
    assertNotPolluted();
  });
}
