import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

/**
 * What a probe knows about a process: gone (no such process, or a zombie that will never
 * release anything), or running, with its start time when the probe can tell it.
 */
export type ProcessState = { running: false } | { running: true; startTime?: string };

/**
 * How the writer lock learns about processes on this host. A lock records its holder's start
 * time as measured by `clock`; a reader compares start times only when its probe has the same
 * clock, so a pid now used by an unrelated process is recognised.
 */
export interface ProcessProbe {
  /** Names how start times are measured (`"linux-proc"`, `"ps-lstart"`); undefined: it cannot. */
  readonly clock: string | undefined;
  /** Whether `pid` runs, and since when. Never rejects; unknown answers say "running". */
  inspect(pid: number): Promise<ProcessState>;
  /** An id of the current boot of this host, when the platform offers one. */
  bootId(): string | undefined;
  /** Whether two start times of this clock name the same process start. */
  sameStart(recorded: string, current: string): boolean;
}

/** Whether `pid` exists, by signal 0. EPERM means it exists but belongs to another user. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Process liveness only (signal 0): no start times, so a reused pid looks alive. */
export const livenessProbe: ProcessProbe = {
  clock: undefined,
  async inspect(pid) {
    return processExists(pid) ? { running: true } : { running: false };
  },
  bootId: () => undefined,
  sameStart: (recorded, current) => recorded === current,
};

/**
 * Linux: start time is field 22 of `/proc/<pid>/stat` (clock ticks since boot), the boot id
 * is `/proc/sys/kernel/random/boot_id`. Zombies count as gone.
 */
export const procfsProbe: ProcessProbe = {
  clock: "linux-proc",
  async inspect(pid) {
    if (!processExists(pid)) return { running: false };
    let text: string;
    try {
      text = await readFile(`/proc/${pid}/stat`, "utf8");
    } catch {
      // Gone in between, or hidden from us (hidepid): say only what signal 0 said.
      return processExists(pid) ? { running: true } : { running: false };
    }
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    const start = fields[19];
    if (state === "Z" || state === "X") return { running: false };
    return start && /^\d+$/.test(start) ? { running: true, startTime: start } : { running: true };
  },
  bootId() {
    try {
      return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
    } catch {
      return undefined;
    }
  },
  sameStart: (recorded, current) => recorded === current,
};

/** Options of {@link createPsProbe}. */
export interface PsProbeOptions {
  /** The `ps` executable. Default: `ps` on PATH. */
  command?: string;
  /** How long one `ps` may run before it is killed and the answer is "unknown". Default 5000. */
  timeoutMs?: number;
}

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

/** `lstart` in the C locale and UTC (`Mon Nov 30 09:55:17 2026`) → epoch seconds. */
export function parseLstart(text: string): number | undefined {
  const m = /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(
    text,
  );
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1] as string);
  if (month < 0 || month % 3 !== 0) return undefined;
  const [day, hour, minute, second, year] = m.slice(2).map(Number) as number[];
  return Date.UTC(year as number, month / 3, day, hour, minute, second) / 1000;
}

/**
 * Where `/proc` is missing (macOS, BSDs): start time from `ps -o stat= -o lstart= -p <pid>`,
 * run without a shell, in the C locale and UTC, killed after `timeoutMs`, recorded as epoch
 * seconds. Some `ps` builds derive `lstart` from the uptime and may answer a second apart for
 * one process, so start times one second apart count as the same start: a pid reused within
 * the same second is not recognised. No boot id: a pid alive after a reboot started later.
 */
export function createPsProbe(options: PsProbeOptions = {}): ProcessProbe {
  const command = options.command ?? "ps";
  const timeout = options.timeoutMs ?? 5000;
  const env = { ...process.env, LC_ALL: "C", LANG: "C", TZ: "UTC" };
  const run = (pid: number) =>
    new Promise<string | undefined>((resolve) => {
      const args = ["-o", "stat=", "-o", "lstart=", "-p", String(pid)];
      execFile(command, args, { env, timeout, killSignal: "SIGKILL" }, (error, stdout) => {
        // ps exits 1 when the pid does not exist; any other failure is "unknown" too.
        resolve(error ? undefined : stdout.trim());
      });
    });
  return {
    clock: "ps-lstart",
    async inspect(pid) {
      if (!processExists(pid)) return { running: false };
      const out = await run(pid);
      if (!out) return processExists(pid) ? { running: true } : { running: false };
      const [stat = "", ...start] = out.split(/\s+/);
      if (stat.startsWith("Z")) return { running: false };
      const seconds = parseLstart(start.join(" "));
      return seconds === undefined
        ? { running: true }
        : { running: true, startTime: String(seconds) };
    },
    bootId: () => undefined,
    sameStart(recorded, current) {
      const [a, b] = [Number(recorded), Number(current)];
      // Not a number: nothing to compare, so nothing proves the pid was reused.
      return !(Number.isFinite(a) && Number.isFinite(b)) || Math.abs(a - b) <= 1;
    },
  };
}

let chosen: ProcessProbe | undefined;

/**
 * The probe for this platform: `/proc` where it exists (Linux), `ps` elsewhere except
 * Windows, liveness only on Windows.
 */
export function defaultProcessProbe(): ProcessProbe {
  if (!chosen) {
    const linux = process.platform === "linux" || process.platform === "android";
    if (linux && existsSync("/proc/self/stat")) chosen = procfsProbe;
    else if (process.platform === "win32") chosen = livenessProbe;
    else chosen = createPsProbe();
  }
  return chosen;
}
