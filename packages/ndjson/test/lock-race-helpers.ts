import { type ChildProcess, fork, spawn } from "node:child_process";
import { join } from "node:path";

/** What a contender answers to "go". */
export interface RaceResult {
  outcome: string;
  exclusive?: boolean;
  message?: string;
}

/** A long-lived child process (lock-race-child.mjs) that takes the lock when told to. */
export interface Contender {
  go(lockPath: string, markerPath: string): Promise<RaceResult>;
  end(): Promise<void>;
  stop(): Promise<void>;
}

const childScript = join(import.meta.dirname, "lock-race-child.mjs");

function contender(mode: string): Promise<Contender> {
  const proc = fork(childScript, [mode], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting: Array<(message: Record<string, unknown>) => void> = [];
  const failures: Array<(error: Error) => void> = [];
  proc.on("message", (message) => waiting.shift()?.(message as Record<string, unknown>));
  proc.on("exit", (code, signal) => {
    for (const fail of failures.splice(0)) fail(new Error(`contender exited (${code ?? signal})`));
  });
  const next = (send?: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.push(resolve);
      failures.push(reject);
      if (send) proc.send(send);
    });
  const handle: Contender = {
    go: async (lockPath, markerPath) =>
      (await next({ type: "go", lockPath, markerPath })) as unknown as RaceResult,
    end: async () => {
      await next({ type: "end" });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.send({ type: "quit" });
      }),
  };
  return next().then(() => handle);
}

/** Starts `count` contenders and waits until each is ready. */
export function startContenders(count: number, mode: string): Promise<Contender[]> {
  return Promise.all(Array.from({ length: count }, () => contender(mode)));
}

/** A process that has nothing to do with any lock: `sleep`, running until stopped. */
export function spawnUnrelated(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn("sleep", ["3600"], { stdio: "ignore" });
    proc.once("spawn", () => resolve(proc));
    proc.once("error", reject);
  });
}

/** SIGKILLs a process and waits until it has been reaped (its pid is then free). */
export function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}
