import { PersistenceNotFoundError } from "@papyra/core";
import type { StoreContext } from "./context.js";
import { storeMarkerKeys } from "./keys.js";

/**
 * Rejects with PersistenceNotFoundError, changing nothing, when none of the store's keys
 * exists (a mistyped prefix, system id or database). One EXISTS per key, so it also works on a
 * cluster, where the keys live in different slots.
 */
export async function assertStoreExists(context: StoreContext, endpoint: string): Promise<void> {
  const keys = storeMarkerKeys(context.keys);
  const found = await Promise.all(keys.map((key) => context.call((client) => client.exists(key))));
  if (found.some((count) => count > 0)) return;
  const { prefix, systemId } = context.options;
  throw new PersistenceNotFoundError(
    context.location,
    `No Papyra store in Redis at ${endpoint} under the prefix "${prefix}:${systemId}" (none of ${context.keys.streams.events}, ${context.keys.streams.audits}, ${context.keys.streams.dead_letters} or the store's other keys exists). Check the URL's database number, prefix and systemId (--redis-url, --redis-prefix, --redis-system-id); to treat a missing store as "no store yet", pass --allow-missing. Nothing was created.`,
  );
}
