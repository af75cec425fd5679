/**
 * Reply shapes that differ between RESP2, RESP3 with ioredis' default ("legacy") mapping and
 * RESP3 with `replyMapping: "resp3"` (a client you pass may use it): Redis maps arrive as flat
 * `[key, value, ...]` arrays or as plain objects. The store reads them only through these.
 */

/** The value of `name` in a CONFIG GET reply (flat array or object), or undefined. */
export function configValue(reply: unknown, name: string): string | undefined {
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      if (String(reply[i]) === name) return String(reply[i + 1]);
    }
    return undefined;
  }
  if (typeof reply === "object" && reply !== null && Object.hasOwn(reply, name)) {
    return String((reply as Record<string, unknown>)[name]);
  }
  return undefined;
}

/** One stream's entries in an XREAD/XREADGROUP reply: `[id, fields]` pairs. */
export type StreamEntries<T> = [T, T[] | null][];

/**
 * The `[key, entries]` pairs of an XREAD/XREADGROUP reply, whether it came as pairs (RESP2,
 * RESP3 legacy mapping) or as an object keyed by stream (RESP3 mapping). Null means no entries.
 */
export function streamReadReply<T>(reply: unknown): [string, StreamEntries<T>][] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    return (reply as [unknown, StreamEntries<T>][]).map(([key, entries]) => [String(key), entries]);
  }
  if (typeof reply === "object") {
    return Object.entries(reply as Record<string, StreamEntries<T>>);
  }
  throw new TypeError(`unexpected XREADGROUP reply of type ${typeof reply}`);
}
