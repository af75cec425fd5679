// The earlier Python implementation wrote `json.dumps` output, which spells non-finite floats
// as the bare tokens NaN, Infinity and -Infinity. JSON.parse rejects them, so lines that hold
// them are parsed here instead. This is the fallback only: every line first goes through
// JSON.parse, and only a line it rejects that mentions one of the tokens comes here.

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** True when a line JSON.parse rejected could still be JSON with Python's non-finite tokens. */
export function mayHoldNonFiniteTokens(text: string): boolean {
  return text.includes("NaN") || text.includes("Infinity");
}

/**
 * Parses JSON extended with the tokens `NaN`, `Infinity` and `-Infinity` (read as the
 * JavaScript numbers of those names). Otherwise as strict as JSON.parse, and like it a
 * `__proto__` key becomes an own property, never a prototype. Throws a SyntaxError.
 */
export function parseJsonWithNonFinite(text: string): unknown {
  const parser = new NonFiniteJsonParser(text);
  parser.skipWhitespace();
  const value = parser.value();
  parser.skipWhitespace();
  if (parser.position !== text.length) parser.fail("unexpected text after the JSON value");
  return value;
}

class NonFiniteJsonParser {
  position = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  fail(problem: string): never {
    throw new SyntaxError(`${problem} at position ${this.position}`);
  }

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.position;
    WHITESPACE.test(this.#text);
    this.position = WHITESPACE.lastIndex;
  }

  value(): unknown {
    const text = this.#text;
    switch (text.charCodeAt(this.position)) {
      case 0x7b /* { */:
        return this.#object();
      case 0x5b /* [ */:
        return this.#array();
      case 0x22 /* " */:
        return this.#string();
      case 0x74 /* t */:
        return this.#literal("true", true);
      case 0x66 /* f */:
        return this.#literal("false", false);
      case 0x6e /* n */:
        return this.#literal("null", null);
      case 0x4e /* N */:
        return this.#literal("NaN", Number.NaN);
      case 0x49 /* I */:
        return this.#literal("Infinity", Number.POSITIVE_INFINITY);
      default:
        if (text.startsWith("-Infinity", this.position)) {
          return this.#literal("-Infinity", Number.NEGATIVE_INFINITY);
        }
        return this.#number();
    }
  }

  #literal<T>(token: string, value: T): T {
    if (!this.#text.startsWith(token, this.position)) this.fail("unexpected token");
    this.position += token.length;
    return value;
  }

  #number(): number {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.#text);
    if (match === null) this.fail("unexpected token");
    this.position = NUMBER.lastIndex;
    // Number() rounds to the nearest double, as JSON.parse does (big integers, long fractions).
    return Number(match[0]);
  }

  #string(): string {
    const text = this.#text;
    const start = this.position;
    let at = start + 1;
    for (;;) {
      const code = text.charCodeAt(at);
      if (Number.isNaN(code)) this.fail("unterminated string");
      if (code === 0x22 /* " */) break;
      at += code === 0x5c /* \ */ ? 2 : 1;
    }
    this.position = at + 1;
    // JSON.parse decodes the escapes and rejects what JSON forbids in a string.
    return JSON.parse(text.slice(start, at + 1)) as string;
  }

  #array(): unknown[] {
    this.position += 1;
    const items: unknown[] = [];
    this.skipWhitespace();
    if (this.#text.charCodeAt(this.position) === 0x5d /* ] */) {
      this.position += 1;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value());
      this.skipWhitespace();
      const next = this.#text.charCodeAt(this.position);
      this.position += 1;
      if (next === 0x5d /* ] */) return items;
      if (next !== 0x2c /* , */) this.fail("expected , or ] in an array");
    }
  }

  #object(): Record<string, unknown> {
    this.position += 1;
    const object: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.#text.charCodeAt(this.position) === 0x7d /* } */) {
      this.position += 1;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.#text.charCodeAt(this.position) !== 0x22) this.fail("expected a string key");
      const key = this.#string();
      this.skipWhitespace();
      if (this.#text.charCodeAt(this.position) !== 0x3a /* : */) this.fail("expected :");
      this.position += 1;
      this.skipWhitespace();
      const value = this.value();
      if (key === "__proto__") {
        // An assignment would set the prototype; JSON.parse makes it a plain own property.
        Object.defineProperty(object, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        object[key] = value;
      }
      this.skipWhitespace();
      const next = this.#text.charCodeAt(this.position);
      this.position += 1;
      if (next === 0x7d /* } */) return object;
      if (next !== 0x2c /* , */) this.fail("expected , or } in an object");
    }
  }
}
