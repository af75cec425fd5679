import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ChildReply, Task } from "./tasks.js";

const WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));

/** Options of {@link runInChild}. */
export interface ChildOptions {
  /** Write a CPU profile of this child into the directory. */
  profileDir?: string;
  /** Kill the child after this long. */
  timeoutMs?: number;
}

/** A finished child task: its result and its peak resident set size. */
export interface ChildOutcome<T> {
  result: T;
  peakRssMb: number;
}

/** Runs one task in a fresh Node process and returns its result and peak RSS. */
export function runInChild<T>(task: Task, options: ChildOptions = {}): Promise<ChildOutcome<T>> {
  const execArgv: string[] = [];
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${options.profileDir}`);
  }
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let reply: ChildReply<T> | undefined;
    const timer = setTimeout(
      () => {
        child.kill("SIGKILL");
        reject(new Error(`${task.kind} task timed out after ${options.timeoutMs} ms`));
      },
      options.timeoutMs ?? 15 * 60_000,
    );
    child.on("message", (message) => {
      reply = message as ChildReply<T>;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok && reply.result !== undefined) {
        resolve({ result: reply.result, peakRssMb: reply.maxRssKb / 1024 });
      } else {
        reject(
          new Error(
            reply?.error ??
              `${task.kind} worker exited (code ${code}, signal ${signal}) without a result`,
          ),
        );
      }
    });
    child.send(task);
  });
}
