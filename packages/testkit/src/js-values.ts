import fc from "fast-check";

// Arbitrary JavaScript values, including everything JSON cannot store as given, for the
// property "what `record*` resolves reads back equal; everything else is refused".

class Point {
  x = 1;
  y = 2;
}

/** Values a caller may plausibly hand over that JSON changes or refuses. */
const awkward: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null).map(() => () => 1),
  fc.string().map((s) => Symbol(s)),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.string().map((s) => new String(s)),
  fc.double().map((n) => new Number(n)),
  fc.constant(null).map(() => new Map([["a", 1]])),
  fc.constant(null).map(() => new Set([1])),
  fc.constant(null).map(() => new Uint8Array([1, 2])),
  fc.constant(null).map(() => /re/g),
  fc.constant(null).map(() => new Error("boom")),
  fc.constant(null).map(() => new Point()),
  fc.anything().map((inner) => ({ toJSON: () => inner })),
  fc.constant(null).map(() => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    return cycle;
  }),
  fc.constant(null).map(() => ({ plain: 1, [Symbol("key")]: 2 })),
  fc.constant(null).map(() => Object.assign(Object.create(null), { bare: true })),
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined),
);

const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toJSON") },
);

/** fast-check's `anything` with every option that yields values JSON may not store exactly. */
const anything = fc.anything({
  key,
  maxDepth: 3,
  maxKeys: 4,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withObjectString: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
});

/** Any JavaScript value: JSON-safe ones most of the time, nested awkward ones often. */
export const anyJsValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", maxDepth: 3, depthIdentifier: "js-values" },
    { weight: 4, arbitrary: anything },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: awkward },
    {
      weight: 1,
      arbitrary: fc.array(tie("value"), { maxLength: 4, depthIdentifier: "js-values" }),
    },
    {
      weight: 1,
      arbitrary: fc.dictionary(key, tie("value"), {
        maxKeys: 4,
        depthIdentifier: "js-values",
      }),
    },
  ),
})).value;

/**
 * What a reader gets back for a value JSON stores exactly: a deep copy with plain objects
 * (null-prototype ones included) and arrays, -0 kept. Only for values `record*` accepted.
 */
export function readBackCopy(value: unknown, skipKey?: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => readBackCopy(item));
  const copy: Record<string, unknown> = {};
  for (const field of Object.keys(value)) {
    if (field === skipKey) continue;
    Object.defineProperty(copy, field, {
      value: readBackCopy((value as Record<string, unknown>)[field]),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return copy;
}
