import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { spawnUnrelated, stopProcess } from "./lock-race-helpers.js";

/** A lock record as a writer of this host would leave it; override what the test is about. */
export function lockRecord(pid: number, extra: Record<string, unknown> = {}) {
  return {
    pid,
    hostname: hostname(),
    acquiredAt: Date.now() / 1000 - 60,
    token: randomBytes(8).toString("hex"),
    ...extra,
  };
}

/** Writes a lock (or lock helper) file; returns its record. */
export async function plant(path: string, record: ReturnType<typeof lockRecord>) {
  await writeFile(path, `${JSON.stringify(record)}\n`);
  return record;
}

/** Field 22 of /proc/<pid>/stat, read here independently of the code under test. */
export function procStartTicks(pid: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ")[19] as string;
}

/** `ps -o lstart=` of a pid as epoch seconds (UTC), read independently. */
export function psStartSeconds(pid: number): number {
  const out = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], {
    env: { ...process.env, LC_ALL: "C", TZ: "UTC" },
    encoding: "utf8",
  });
  return Date.parse(`${out.trim()} UTC`) / 1000;
}

export function bootId(): string {
  return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
}

/** The pid of a process that really ran and has been reaped. */
export async function deadPid(): Promise<number> {
  const proc = await spawnUnrelated();
  await stopProcess(proc);
  return proc.pid as number;
}

/** Polls `check` (bounded by a count of looks, not by time) until it answers true. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let look = 0; look < 100_000; look++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`never happened: ${what}`);
}

const procField = (pid: number, file: string) => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
};

/**
 * A zombie: `sh` starts `cat` reading a pipe of ours in the background, then replaces itself
 * with a long `sleep`, which never reaps its child. Once the exec happened the pipe is closed,
 * `cat` exits, and stays a zombie.
 */
export async function spawnZombie(): Promise<{ holder: ChildProcess; zombie: number }> {
  const holder = spawn("sh", ["-c", "cat <&3 >/dev/null & echo $!; exec sleep 3600"], {
    stdio: ["ignore", "pipe", "ignore", "pipe"],
  });
  try {
    const zombie = await new Promise<number>((resolve) => {
      holder.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    });
    await until(() => procField(holder.pid as number, "comm") === "sleep\n", "exec sleep");
    (holder.stdio[3] as NodeJS.WritableStream).end();
    await until(() => procField(zombie, "stat").split(") ")[1]?.[0] === "Z", "zombie");
    return { holder, zombie };
  } catch (error) {
    await stopProcess(holder);
    throw error;
  }
}
