import {
  addMetrics,
  emptyMetrics,
  METRIC_NAMES,
  type MetricsSnapshot,
  nowSeconds,
  type StoredMetrics,
} from "@papyra/core";
import type { StoreContext } from "./context.js";

const GENERATION = "generation";
const SINCE = "since";

/**
 * Adds a delta to the counters unless the hash was reset since the writer last looked
 * (its generation moved). Returns the generation in force. One key, so it is Cluster-safe.
 */
const FLUSH_SCRIPT = `
local current = redis.call('HGET', KEYS[1], '${GENERATION}') or '0'
if current ~= ARGV[1] then return current end
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return current
`;

const RESET_SCRIPT = `
for i = 2, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
redis.call('HSET', KEYS[1], '${SINCE}', ARGV[1])
return redis.call('HINCRBY', KEYS[1], '${GENERATION}', 1)
`;

/**
 * Keeps the store's cumulative counters in a hash beside the streams (`{prefix}:{systemId}:metrics`),
 * so the counts of every process add up and the CLI can show them. In-process counters are
 * flushed off the write path: on a timer and on close. A reset by anyone bumps the hash's
 * generation; a writer that sees it zeroes its own counters and drops the delta that spanned it.
 */
export class StoredMetricsSync {
  readonly #context: StoreContext;
  #generation = "0";
  /** Deltas taken but not yet stored (a flush failed); retried with the next one. */
  #unflushed: MetricsSnapshot = emptyMetrics();
  #hasUnflushed = false;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | null = null;
  #queued: Promise<void> | null = null;

  constructor(context: StoreContext) {
    this.#context = context;
  }

  /** Learns the current generation and starts the periodic flush. */
  async start(): Promise<void> {
    try {
      const key = this.#context.keys.metrics;
      this.#generation =
        (await this.#context.call((client) => client.hget(key, GENERATION))) ?? "0";
    } catch {
      // Stays "0": the first flush will see the real generation and adopt it.
    }
    this.#timer = setInterval(() => {
      this.flush().catch(() => {});
    }, this.#context.options.metricsFlushIntervalMs);
    this.#timer.unref();
  }

  /** Stops the timer (the caller flushes once more). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Stores what the counters gained up to this call. Never throws for Redis errors. A flush
   * already running took its delta before some of those gains, so the call then waits for one
   * more flush after it; concurrent callers share that one (at most one waits, so a timer
   * firing during a long outage queues nothing).
   */
  flush(): Promise<void> {
    if (!this.#flushing) {
      this.#flushing = this.#flushOnce().finally(() => {
        this.#flushing = null;
      });
      return this.#flushing;
    }
    this.#queued ??= this.#flushing.then(() => {
      this.#queued = null;
      return this.flush();
    });
    return this.#queued;
  }

  async #flushOnce(): Promise<void> {
    const { metrics, call, keys } = this.#context;
    if (metrics.dirty) {
      this.#unflushed = addMetrics(this.#unflushed, metrics.takeDelta());
      this.#hasUnflushed = true;
    }
    const args: (string | number)[] = [this.#generation];
    if (this.#hasUnflushed) {
      for (const name of METRIC_NAMES) {
        const value = this.#unflushed[name];
        if (value > 0) args.push(name, value);
      }
    }
    let seen: string;
    try {
      seen = String(await call((client) => client.eval(FLUSH_SCRIPT, 1, keys.metrics, ...args)));
    } catch {
      return; // Redis unreachable: keep the delta for the next flush.
    }
    this.#unflushed = emptyMetrics();
    this.#hasUnflushed = false;
    if (seen !== this.#generation) {
      // Someone reset the stored counters: count from zero, as the reset asked.
      this.#generation = seen;
      metrics.reset();
    }
  }

  /** Reads the stored counters of every process since the last reset. */
  async read(): Promise<StoredMetrics> {
    await this.flush();
    const key = this.#context.keys.metrics;
    const hash = await this.#context.call((client) => client.hgetall(key));
    const counters = emptyMetrics();
    for (const name of METRIC_NAMES) {
      const value = Number(hash[name] ?? 0);
      counters[name] = Number.isFinite(value) ? value : 0;
    }
    const since = hash[SINCE] === undefined ? null : Number(hash[SINCE]);
    return { counters, since: since !== null && Number.isFinite(since) ? since : null };
  }

  /** Zeroes the stored counters for everyone, and this process's counters. */
  async reset(): Promise<void> {
    const key = this.#context.keys.metrics;
    const generation = await this.#context.call((client) =>
      client.eval(RESET_SCRIPT, 1, key, String(nowSeconds()), ...METRIC_NAMES),
    );
    this.#generation = String(generation);
    this.#context.metrics.reset();
    this.#unflushed = emptyMetrics();
    this.#hasUnflushed = false;
  }
}
