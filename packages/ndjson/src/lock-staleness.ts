import { hostname } from "node:os";
import type { LockRecord } from "./lock-record.js";
import { defaultProcessProbe, type ProcessProbe } from "./process-probe.js";

/**
 * Tokens of this process's lock attempts in flight and locks it holds. A file carrying our pid
 * but another token was left by an earlier process with the same pid (e.g. pid 1 in a
 * container), so it is stale.
 */
export const liveTokens: Set<string> = new Set<string>();

/** Options of {@link isStaleHolder}. */
export interface StalenessOptions {
  /** How processes are inspected. Default: {@link defaultProcessProbe}. */
  probe?: ProcessProbe;
}

/**
 * Whether the creator of a lock (or of a lock helper file) is certainly gone. Only records of
 * this host are ever judged stale; then one is stale when it names another boot, our own pid
 * with a token this process does not use, a pid that no longer runs (or is a zombie), or a pid
 * now running with another start time than recorded (the pid was reused). A record without a
 * start time (written by an older version), or measured with a clock our probe does not have,
 * is judged by pid liveness alone. Unknown answers count as alive.
 */
export async function isStaleHolder(
  record: LockRecord,
  options: StalenessOptions = {},
): Promise<boolean> {
  if (record.hostname !== hostname()) return false;
  const probe = options.probe ?? defaultProcessProbe();
  const boot = probe.bootId();
  if (record.bootId && boot && record.bootId !== boot) return true;
  if (record.pid === process.pid) return !liveTokens.has(record.token);
  const state = await probe.inspect(record.pid);
  if (!state.running) return true;
  const { startTime, startClock } = record;
  if (startTime === undefined || state.startTime === undefined) return false;
  if (startClock === undefined || startClock !== probe.clock) return false;
  return !probe.sameStart(startTime, state.startTime);
}
