import assert from "node:assert/strict";
import {
  ErrorCode,
  type PersistenceBackend,
  type RecordKind,
  safeMetricsSnapshot,
} from "@papyra/core";
import fc from "fast-check";
import type { SuiteHarness } from "../harness.js";
import { anyJsValue, readBackCopy } from "../js-values.js";
import { KINDS, list, makeRecord, write } from "../records.js";

type Fields = Record<string, unknown>;

class Temperature {
  constructor(readonly celsius: number) {}
}

/** Records that JSON would store as something else, each with the field its error must name. */
function refusedRecords(): [RecordKind, Fields, string][] {
  const cycle: Fields = { name: "loop" };
  cycle.self = cycle;
  const items: unknown[] = [1, 2, 3, undefined];
  const withToJson = { system: "s", actor_id: 1, toJSON: () => "s:1" };
  const holes = [1, 2, 3];
  delete holes[1];
  return [
    ["dead_letter", makeRecord("dead_letter", 1, { payload: undefined }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 2, { payload: () => "hi" }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 3, { payload: Symbol("s") }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 4, { payload: new Date(0) }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 5, { payload: new String("boxed") }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 6, { payload: { toJSON: () => 1 } }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 7, { payload: 10n }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 8, { payload: { items } }), "payload.items.3"],
    ["dead_letter", makeRecord("dead_letter", 9, { payload: holes }), "payload.1"],
    ["dead_letter", makeRecord("dead_letter", 10, { payload: { n: Number.NaN } }), "payload.n"],
    ["dead_letter", makeRecord("dead_letter", 11, { payload: new Map() }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 12, { payload: new Uint8Array(2) }), "payload"],
    ["dead_letter", makeRecord("dead_letter", 13, { payload: cycle }), "payload.self"],
    ["dead_letter", makeRecord("dead_letter", 14, { target: withToJson }), "target"],
    ["event", makeRecord("event", 1, { payload: { when: new Date(0) } }), "payload.when"],
    ["event", makeRecord("event", 2, { payload: { t: new Temperature(3) } }), "payload.t"],
    ["event", makeRecord("event", 3, { payload: { [Symbol("k")]: 1 } }), "payload"],
    ["event", makeRecord("event", 4, { actor_address: withToJson }), "actor_address"],
    ["event", makeRecord("event", 5, { note: undefined }), "note"],
    ["audit", makeRecord("audit", 1, { host: { cpus: Number.POSITIVE_INFINITY } }), "host.cpus"],
    ["audit", makeRecord("audit", 2, { registry_dead: ["a", new String("b")] }), "registry_dead.1"],
  ];
}

async function counts(backend: PersistenceBackend): Promise<Record<RecordKind, number>> {
  return {
    event: (await list(backend, "event")).length,
    audit: (await list(backend, "audit")).length,
    dead_letter: (await list(backend, "dead_letter")).length,
  };
}

function writeErrors(backend: PersistenceBackend): number | undefined {
  return safeMetricsSnapshot(backend).write_errors;
}

/** Writes `record`; returns the error it was refused with, or null when it was stored. */
async function tryWrite(backend: PersistenceBackend, kind: RecordKind, record: Fields) {
  try {
    await write(backend, kind, record as never);
    return null;
  } catch (error) {
    return error as { code?: unknown; issues?: { path: string; message: string }[] };
  }
}

function field(kind: RecordKind): fc.Arbitrary<string> {
  const names: Record<RecordKind, string[]> = {
    event: ["system_id", "actor_address", "event_type", "payload", "timestamp"],
    audit: ["system_id", "timestamp", "total_actors", "registry_orphans", "registry_dead"],
    dead_letter: ["system_id", "target", "message_type", "payload", "timestamp"],
  };
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...names[kind]) },
    { weight: 1, arbitrary: fc.constantFrom("extra", "__proto__", "constructor") },
  );
}

/** What `record*` resolves reads back equal; everything else is refused and stores nothing. */
export function readBackGroup(h: SuiteHarness): void {
  h.test(
    "values JSON would change or drop are refused with PersistenceValidationError naming the field, and nothing is stored",
    async (t) => {
      const backend = await t.open();
      const errorsBefore = writeErrors(backend);
      const cases = refusedRecords();
      for (const [kind, record, path] of cases) {
        const error = await tryWrite(backend, kind, record);
        assert.ok(error, `${kind} with a bad ${path} was stored`);
        assert.equal(error.code, ErrorCode.validation, `${kind} ${path}: ${String(error)}`);
        const paths = (error.issues ?? []).map((issue) => issue.path);
        assert.ok(paths.includes(path), `${kind}: issues name ${paths.join(", ")}, not ${path}`);
      }
      assert.deepEqual(await counts(backend), { event: 0, audit: 0, dead_letter: 0 });
      if (errorsBefore !== undefined) {
        assert.equal(writeErrors(backend), errorsBefore + cases.length, "write_errors");
      }
    },
  );

  h.test("-0, null-prototype objects and awkward keys read back exactly", async (t) => {
    const backend = await t.open();
    const bare = Object.assign(Object.create(null) as Fields, { a: [-0, 0, { z: -0 }] });
    const letter = makeRecord("dead_letter", 1, { payload: bare, target: null, offset: -0 });
    const event = makeRecord("event", 1, { payload: JSON.parse('{"__proto__":{"x":-0}}') });
    await write(backend, "dead_letter", letter);
    await write(backend, "event", event);
    const [readLetter] = await list(backend, "dead_letter");
    assert.ok(readLetter, "the dead letter was not listed");
    assert.deepStrictEqual(readLetter, readBackCopy(letter));
    assert.ok(Object.is((readLetter.payload as { a: number[] }).a[0], -0), "-0 became 0");
    assert.deepStrictEqual(await list(backend, "event"), [readBackCopy(event)]);
  });

  h.test(
    "any JavaScript value in any field is refused, or read back deep-equal (property, 150 records)",
    async (t) => {
      const backend = await t.open();
      const accepted: Record<RecordKind, unknown[]> = { event: [], audit: [], dead_letter: [] };
      let refused = 0;
      const errorsBefore = writeErrors(backend);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...KINDS)
            .chain((kind) =>
              fc.tuple(
                fc.constant(kind),
                fc.array(fc.tuple(field(kind), anyJsValue), { minLength: 1, maxLength: 3 }),
              ),
            ),
          async ([kind, changes]) => {
            const record = makeRecord(kind, ++n) as Fields;
            for (const [name, value] of changes) {
              Object.defineProperty(record, name, {
                value,
                writable: true,
                enumerable: true,
                configurable: true,
              });
            }
            const error = await tryWrite(backend, kind, record);
            if (error) {
              assert.equal(error.code, ErrorCode.validation, String(error));
              refused += 1;
            } else {
              accepted[kind].push(readBackCopy(record, "kind"));
            }
            assert.deepStrictEqual(await list(backend, kind), accepted[kind]);
          },
        ),
        { numRuns: 150 },
      );
      if (errorsBefore !== undefined) {
        assert.equal(writeErrors(backend), errorsBefore + refused, "write_errors");
      }
      if (t.canReopen) {
        const again = await t.reopen(backend);
        for (const kind of KINDS) {
          assert.deepStrictEqual(await list(again, kind), accepted[kind], `${kind} after reopen`);
        }
      }
    },
  );
}
