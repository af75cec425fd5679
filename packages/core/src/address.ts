import type { ActorAddress } from "./records.js";

// Stored addresses are any JSON value (read liberally): Papyra writes `"system:id"` or
// `{ system, actor_id }`; the Python implementation also wrote serialised actor references
// (`{ _rid, _address: { system, actor_id }, ... }`) and bare integers. These helpers turn any
// of them into something an operator or a caller can use.

/** How deep `_address` wrappers are followed (a reference to a reference, ...). */
const MAX_WRAPPERS = 8;

function isAddressObject(value: object): value is Exclude<ActorAddress, string> {
  const { system, actor_id: id } = value as { system?: unknown; actor_id?: unknown };
  return (
    typeof system === "string" &&
    (typeof id === "string" || (typeof id === "number" && Number.isFinite(id)))
  );
}

/**
 * The address a stored `actor_address` or `target` names, or null when it names none: a
 * string as is, a `{ system, actor_id }` object as is, the inner address of an actor
 * reference object (one with an `_address` field, as the Python implementation stored it).
 * Numbers, null and other shapes give null. Never throws.
 */
export function addressOf(value: unknown): ActorAddress | null {
  let current = value;
  for (let depth = 0; depth <= MAX_WRAPPERS; depth++) {
    if (typeof current === "string") return current;
    if (typeof current !== "object" || current === null || Array.isArray(current)) return null;
    if (isAddressObject(current)) return current;
    if (!Object.hasOwn(current, "_address")) return null;
    current = (current as { _address?: unknown })._address;
  }
  return null;
}

/**
 * Prints a stored address the way operators read it: `system:actor_id` for an address (also
 * inside an actor reference's `_address`), a string as is, a number as its digits, `-` for
 * null or a missing value, and anything else as compact JSON. Never throws.
 */
export function formatAddress(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "number") return String(value);
  const address = addressOf(value);
  if (address !== null) {
    return typeof address === "string" ? address : `${address.system}:${address.actor_id}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
