import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { LockHolder } from "@papyra/core";
import { z } from "zod";

/** What a lock file (and each helper file of the lock) records about its creator. */
export interface LockRecord extends LockHolder {
  acquiredAt: number;
  /** Kernel boot id, so a lock from before a reboot is recognised as stale. */
  bootId?: string;
  /** Random token naming this one attempt to take the lock: no two files share one. */
  token: string;
  /** The holder's process start time, as measured by `startClock` (pid reuse detection). */
  startTime?: string;
  /** How `startTime` was measured (a `ProcessProbe`'s clock). */
  startClock?: string;
}

const lockRecordSchema = z.looseObject({
  pid: z.number().int().positive(),
  hostname: z.string(),
  acquiredAt: z.number(),
  bootId: z.string().optional(),
  token: z.string().min(1),
  startTime: z.string().optional(),
  startClock: z.string().optional(),
});

/** Reads the record of a lock file (or a lock helper file); null when absent or unreadable. */
export async function readLockHolder(lockPath: string): Promise<LockRecord | null> {
  let text: string;
  try {
    text = await readFile(lockPath, "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = lockRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The breaker of the file carrying `token`: whoever creates it (exclusively) is the only
 * process allowed to remove that file. The token is hashed: it comes from disk and must not
 * shape a path.
 */
export function breakerPath(lockPath: string, token: string): string {
  const digest = createHash("sha256").update(token).digest("hex").slice(0, 32);
  return `${lockPath}.break-${digest}.tmp`;
}

/** The file a lock attempt is written to before it is linked into place. */
export function lockTempPath(lockPath: string, record: LockRecord): string {
  return `${lockPath}.${record.pid}-${record.token}.tmp`;
}

/**
 * What a helper file name (the part after `<lock>.`) says: a breaker, or the temp file of a
 * lock attempt (`<pid>-<token>.tmp`; older versions also left `<pid>-<hex>.stale.tmp`).
 */
export type LockHelperName =
  | { kind: "breaker" }
  | { kind: "temp"; pid: number; token: string }
  | { kind: "other" };

/** Classifies `<lock>.<rest>`; `rest` is the name after the lock's own name and its dot. */
export function classifyLockHelper(rest: string): LockHelperName {
  if (!rest.endsWith(".tmp")) return { kind: "other" };
  if (/^break-[0-9a-f]{32}\.tmp$/.test(rest)) return { kind: "breaker" };
  const match = /^(\d+)-([^.]+)(\.stale)?\.tmp$/.exec(rest);
  if (!match) return { kind: "other" };
  const pid = Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0
    ? { kind: "temp", pid, token: match[2] as string }
    : { kind: "other" };
}
