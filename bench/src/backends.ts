import type { PersistenceBackend } from "@papyra/core";

/** Opens a Papyra backend from its package's factory. */
export type Opener = (options: Record<string, unknown>) => Promise<PersistenceBackend>;

/** Each Papyra backend the bench knows: package and factory export. */
export const BACKENDS = {
  memory: { pkg: "@papyra/backend-memory", factory: "createMemoryBackend" },
  json: { pkg: "@papyra/backend-json", factory: "openJsonStore" },
  rotating: { pkg: "@papyra/backend-rotating", factory: "openRotatingStore" },
  redis: { pkg: "@papyra/backend-redis", factory: "openRedisStore" },
} as const;

/** A backend name. */
export type BackendName = keyof typeof BACKENDS;

/**
 * Loads a backend's factory, or returns the reason it cannot be loaded (not built yet, or the
 * factory is missing), so the bench runs with whatever backends exist.
 */
export async function loadBackend(name: BackendName): Promise<Opener | string> {
  const { pkg, factory } = BACKENDS[name];
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pkg)) as Record<string, unknown>;
  } catch (error) {
    return `${pkg} cannot be loaded (${(error as Error).message.split("\n")[0]})`;
  }
  const fn = mod[factory];
  if (typeof fn !== "function") return `${pkg} exports no ${factory}()`;
  return async (options) => (await fn(options)) as PersistenceBackend;
}

/** Loads a backend or throws the reason it is missing. */
export async function requireBackend(name: BackendName): Promise<Opener> {
  const opener = await loadBackend(name);
  if (typeof opener === "string") throw new Error(opener);
  return opener;
}
