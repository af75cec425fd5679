import { z } from "zod";
import { isKnownKind, nowSeconds, type RecordKind } from "./records.js";
import { parseOrThrow } from "./validation.js";

/**
 * How much of each record kind to keep. Applied to events, audits and dead letters each on
 * their own; records of kinds this version does not know are always kept.
 */
export interface RetentionPolicy {
  /** Keep at most the newest N records of each kind. */
  maxRecords?: number;
  /** Drop records older than this many seconds (and records without a numeric timestamp). */
  maxAgeSeconds?: number;
  /** Keep the newest records of each kind whose stored lines add up to at most this many bytes. */
  maxTotalBytes?: number;
}

/** zod schema of {@link RetentionPolicy}; unknown keys are errors so typos do not pass silently. */
export const retentionPolicySchema: z.ZodType<RetentionPolicy> = z.strictObject({
  maxRecords: z.number().int().nonnegative().optional(),
  maxAgeSeconds: z.number().positive().finite().optional(),
  maxTotalBytes: z.number().int().nonnegative().optional(),
});

/** Validates a retention policy from outside input; throws PersistenceValidationError. */
export function parseRetentionPolicy(value: unknown): RetentionPolicy {
  return parseOrThrow(retentionPolicySchema, value ?? {}, "retention policy");
}

/** True when the policy has at least one rule. */
export function hasRetentionRules(policy: RetentionPolicy | undefined): boolean {
  return (
    policy !== undefined &&
    (policy.maxRecords !== undefined ||
      policy.maxAgeSeconds !== undefined ||
      policy.maxTotalBytes !== undefined)
  );
}

/** The facts retention needs about one stored record. */
export interface RetentionItem {
  kind: string;
  /** The record's `timestamp`, or anything else when it has none (then an age rule expires it). */
  timestamp: unknown;
  /** UTF-8 size of the stored line, newline included. */
  bytes: number;
}

function ageCutoff(policy: RetentionPolicy, now: number): number {
  return policy.maxAgeSeconds === undefined ? Number.NEGATIVE_INFINITY : now - policy.maxAgeSeconds;
}

function expiredByAge(timestamp: unknown, cutoff: number, hasAgeRule: boolean): boolean {
  if (!hasAgeRule) return false;
  return typeof timestamp !== "number" || !(timestamp >= cutoff);
}

interface KindTotals {
  count: number;
  bytes: number;
}

/**
 * Retention for a forward pass over a store, oldest first, without holding the store in
 * memory: call {@link observe} for every record (pass one), then {@link keep} for every
 * record in the same order (pass two). Order of rules: age, then count, then bytes.
 */
export class RetentionPlanner {
  readonly #policy: RetentionPolicy;
  readonly #cutoff: number;
  readonly #hasAgeRule: boolean;
  readonly #remaining = new Map<string, KindTotals>();

  constructor(policy: RetentionPolicy, now: number = nowSeconds()) {
    this.#policy = policy;
    this.#cutoff = ageCutoff(policy, now);
    this.#hasAgeRule = policy.maxAgeSeconds !== undefined;
  }

  /** Pass one: counts a record that survives the age rule. */
  observe(item: RetentionItem): void {
    if (!isKnownKind(item.kind)) return;
    if (expiredByAge(item.timestamp, this.#cutoff, this.#hasAgeRule)) return;
    const totals = this.#remaining.get(item.kind);
    if (totals) {
      totals.count += 1;
      totals.bytes += item.bytes;
    } else {
      this.#remaining.set(item.kind, { count: 1, bytes: item.bytes });
    }
  }

  /** Pass two: whether to keep this record. Must see the records in the order `observe` did. */
  keep(item: RetentionItem): boolean {
    if (!isKnownKind(item.kind)) return true;
    if (expiredByAge(item.timestamp, this.#cutoff, this.#hasAgeRule)) return false;
    const totals = this.#remaining.get(item.kind);
    if (!totals) return true; // not observed in pass one; keep rather than lose data
    const { maxRecords, maxTotalBytes } = this.#policy;
    const drop =
      (maxRecords !== undefined && totals.count > maxRecords) ||
      (maxTotalBytes !== undefined && totals.bytes > maxTotalBytes);
    totals.count -= 1;
    totals.bytes -= item.bytes;
    return !drop;
  }
}

/**
 * Retention for a backward pass, newest first, in one pass: answers whether each record is
 * kept. Once the count or byte budget of a kind is spent, every older record of it is out.
 */
export class TailRetention {
  readonly #policy: RetentionPolicy;
  readonly #cutoff: number;
  readonly #hasAgeRule: boolean;
  readonly #used = new Map<string, KindTotals & { full: boolean }>();

  constructor(policy: RetentionPolicy, now: number = nowSeconds()) {
    this.#policy = policy;
    this.#cutoff = ageCutoff(policy, now);
    this.#hasAgeRule = policy.maxAgeSeconds !== undefined;
  }

  /** Whether the record, seen newest first, is kept by the policy. */
  admit(item: RetentionItem): boolean {
    if (!isKnownKind(item.kind)) return true;
    if (expiredByAge(item.timestamp, this.#cutoff, this.#hasAgeRule)) return false;
    let used = this.#used.get(item.kind);
    if (!used) {
      used = { count: 0, bytes: 0, full: false };
      this.#used.set(item.kind, used);
    }
    if (used.full) return false;
    const { maxRecords, maxTotalBytes } = this.#policy;
    if (
      (maxRecords !== undefined && used.count + 1 > maxRecords) ||
      (maxTotalBytes !== undefined && used.bytes + item.bytes > maxTotalBytes)
    ) {
      used.full = true;
      return false;
    }
    used.count += 1;
    used.bytes += item.bytes;
    return true;
  }

  /** True once every known kind's count or byte budget is spent: older records are all out. */
  exhausted(kinds: readonly RecordKind[]): boolean {
    return kinds.every((kind) => this.#used.get(kind)?.full === true);
  }
}

/**
 * Applies a policy to records held in memory, oldest first; returns the kept ones in order.
 * The same result as a {@link RetentionPlanner} two-pass run.
 */
export function applyRetention<T extends RetentionItem>(
  items: readonly T[],
  policy: RetentionPolicy | undefined,
  now: number = nowSeconds(),
): T[] {
  if (!hasRetentionRules(policy)) return [...items];
  const tail = new TailRetention(policy as RetentionPolicy, now);
  const kept: T[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (tail.admit(item)) kept.push(item);
  }
  return kept.reverse();
}
