/** How deep a payload is copied; deeper values become `"[Truncated]"`. */
const MAX_DEPTH = 8;
/** Entries copied per object or array; the rest are left out and counted in `"…"`. */
const MAX_ENTRIES = 200;
/** Characters kept of a string. */
const MAX_STRING = 4096;

function isActorRefLike(value: object): value is { sessionId: string; id?: unknown } {
  const candidate = value as { sessionId?: unknown; send?: unknown };
  return typeof candidate.sessionId === "string" && typeof candidate.send === "function";
}

/** An error as `{ name, message }`: no stack (it names files), no functions, no cycles. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (typeof error === "object" && error !== null) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return {
      name: typeof name === "string" ? name : "Error",
      message: typeof message === "string" ? message : safeString(error),
    };
  }
  return { name: typeof error, message: safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return String(value).slice(0, MAX_STRING);
  } catch {
    return "[unprintable]";
  }
}

function copy(value: unknown, depth: number, seen: Set<object>): unknown {
  switch (typeof value) {
    case "string":
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  if (isActorRefLike(object)) {
    return { actor: typeof object.id === "string" ? object.id : object.sessionId };
  }
  if (object instanceof Date) {
    return Number.isFinite(object.getTime()) ? object.toISOString() : null;
  }
  if (object instanceof Error) return describeError(object);
  seen.add(object);
  try {
    if (Array.isArray(object) || object instanceof Set) {
      const items = [...(object as Iterable<unknown>)];
      const out = items.slice(0, MAX_ENTRIES).map((item) => copy(item, depth + 1, seen) ?? null);
      if (items.length > MAX_ENTRIES) out.push(`… ${items.length - MAX_ENTRIES} more`);
      return out;
    }
    const entries = object instanceof Map ? [...object.entries()] : Object.entries(object);
    const out: Record<string, unknown> = {};
    let kept = 0;
    for (const [key, item] of entries) {
      if (kept === MAX_ENTRIES) {
        out["…"] = `${entries.length - MAX_ENTRIES} more`;
        break;
      }
      const copied = copy(item, depth + 1, seen);
      if (copied === undefined) continue;
      // Defined as own data properties, so keys like __proto__ stay plain keys.
      Object.defineProperty(out, String(key), {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      kept++;
    }
    return out;
  } catch {
    return "[unreadable]";
  } finally {
    seen.delete(object);
  }
}

/**
 * A copy of `value` that JSON carries exactly and Papyra's strict write accepts: functions,
 * symbols and `undefined` are left out, BigInt becomes a string, non-finite numbers null, dates
 * ISO strings, errors `{ name, message }`, actor references `{ actor: id }`, Maps and Sets
 * objects and arrays, cycles `"[Circular]"`; depth, entries and string length are bounded.
 * Never throws.
 */
export function toJsonSafe(value: unknown): unknown {
  const copied = copy(value, 0, new Set());
  return copied === undefined ? null : copied;
}
