import { nowSeconds } from "@papyra/core";
import type { StoreContext } from "./context.js";
import { idFromSeconds } from "./entries.js";

/**
 * Approximate trimming on write (option `trimOnWrite`); exact trimming is `compact()`. With a
 * count rule XADD carries `MAXLEN ~`; an age rule alone becomes `MINID ~`; with both, a
 * separate `XTRIM MINID ~` runs at most once a second per stream.
 */
export class TrimOnWrite {
  readonly #context: StoreContext;
  readonly #lastMinIdTrim = new Map<string, number>();

  constructor(context: StoreContext) {
    this.#context = context;
  }

  /** The trimming arguments for an XADD to `key` (none unless `trimOnWrite` is on). */
  args(key: string): string[] {
    const { options, retention: policy } = this.#context;
    if (!options.trimOnWrite || !policy) return [];
    const minId =
      policy.maxAgeSeconds === undefined
        ? undefined
        : idFromSeconds(nowSeconds() - policy.maxAgeSeconds - options.clockSkewSeconds);
    if (policy.maxRecords !== undefined) {
      if (minId !== undefined && minId !== "-") this.#trimByAgeNowAndThen(key, minId);
      return ["MAXLEN", "~", String(policy.maxRecords)];
    }
    return minId === undefined || minId === "-" ? [] : ["MINID", "~", minId];
  }

  #trimByAgeNowAndThen(key: string, minId: string): void {
    const now = Date.now();
    if ((this.#lastMinIdTrim.get(key) ?? 0) > now - 1000) return;
    this.#lastMinIdTrim.set(key, now);
    this.#context.call((client) => client.xtrim(key, "MINID", "~", minId)).catch(() => {});
  }
}
