// JSON.stringify writes -0 as "0", which reads back as +0. A record holding a -0 (rare: the
// common path never comes here) is written by this serialiser instead, which is
// JSON.stringify's output for the values checkJsonExact accepts, except that -0 is "-0".

function writeValue(value: unknown): string {
  if (typeof value === "number") return value === 0 && 1 / value < 0 ? "-0" : String(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeValue).join(",")}]`;
  const fields = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(fields)) {
    parts.push(`${JSON.stringify(key)}:${writeValue(fields[key])}`);
  }
  return `{${parts.join(",")}}`;
}

/**
 * The stored line of a record already checked by `checkJsonExact`: `kind` first, then every
 * other field in order, compact, with -0 written as `-0`.
 */
export function writeExactJson(kind: string, record: object): string {
  const fields = record as Record<string, unknown>;
  const parts: string[] = [`"kind":${JSON.stringify(kind)}`];
  for (const key of Object.keys(fields)) {
    if (key !== "kind") parts.push(`${JSON.stringify(key)}:${writeValue(fields[key])}`);
  }
  return `{${parts.join(",")}}`;
}
