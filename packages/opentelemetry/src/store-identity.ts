import { maskCredentials } from "./redact.js";

/** Attribute naming the backend (`json`, `rotating`, `redis`, `memory`, ...). */
export const BACKEND_ATTRIBUTE = "papyra.backend";
/** Attribute naming the store: a file path, or a location with credentials masked. */
export const STORE_ATTRIBUTE = "papyra.store";

/** Which backend and store a set of counters or a span belongs to. */
export interface StoreIdentity {
  backend: string;
  store: string;
}

// The first-party backends' classes, by the names they are exported under.
const KNOWN_CLASSES: Readonly<Record<string, string>> = {
  JsonFileBackend: "json",
  RotatingFileBackend: "rotating",
  RedisStore: "redis",
  MemoryBackend: "memory",
};

function read(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function className(target: object): string | undefined {
  try {
    const name: unknown = Object.getPrototypeOf(target)?.constructor?.name;
    return typeof name === "string" && name !== "" && name !== "Object" ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names a backend and its store from its public shape, never throwing: the backend from its
 * class (`JsonFileBackend` is `json`, an unknown class is its own name, a plain object is
 * `custom`), the store from its `path` (file backends) or `location` (Redis:
 * `prefix:systemId@host:port`), else the backend's name. Given names win. URL credentials are
 * masked either way.
 */
export function identifyStore(
  backend: object,
  given: { backendName?: string; store?: string } = {},
): StoreIdentity {
  const name = className(backend);
  const backendName = given.backendName ?? (name ? (KNOWN_CLASSES[name] ?? name) : "custom");
  const path = read(backend, "path");
  const location = read(backend, "location");
  const store =
    given.store ??
    (typeof path === "string" && path !== ""
      ? path
      : typeof location === "string" && location !== ""
        ? location
        : backendName);
  return { backend: backendName, store: maskCredentials(store) };
}
