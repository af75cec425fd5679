import { type ChildProcess, spawn } from "node:child_process";

/** When {@link runUntilKilled} sends SIGKILL, counted from the child's `ready` line. */
export type KillPoint =
  /** Once the child printed this many complete lines after `ready` (acknowledged work). */
  | { afterLines: number }
  /** This many milliseconds after `ready` (for work that prints nothing until it is done). */
  | { afterMs: number };

const live = new Set<ChildProcess>();

/**
 * Runs `node <script> ...args`, waits for its `ready` line, kills it with SIGKILL at
 * `killPoint`, and resolves with every complete stdout line it printed after `ready` (a line
 * cut by the kill is dropped). Rejects when the child exits by itself, with its stderr. Node
 * writes to a pipe synchronously, so a printed line is work the child had finished.
 */
export function runUntilKilled(
  script: string,
  args: readonly string[],
  killPoint: KillPoint,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(child);
    let out = "";
    let err = "";
    let ready = -1;
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill("SIGKILL");
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (ready === -1) {
        const at = out.indexOf("ready\n");
        if (at === -1) return;
        ready = at + "ready\n".length;
        if ("afterMs" in killPoint) timer = setTimeout(kill, killPoint.afterMs);
      }
      if ("afterLines" in killPoint && child.signalCode === null) {
        const lines = out.slice(ready).split("\n").length - 1;
        if (lines >= killPoint.afterLines) kill();
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      live.delete(child);
      clearTimeout(timer);
      if (signal !== "SIGKILL") {
        reject(
          new Error(`child ${script} exited with ${code ?? signal} before it was killed:\n${err}`),
        );
        return;
      }
      const lines = ready === -1 ? [] : out.slice(ready).split("\n");
      lines.pop(); // the last line is empty, or cut by the kill
      resolve(lines);
    });
  });
}

/** Kills (SIGKILL) every child {@link runUntilKilled} started that is still running. */
export function killCrashChildren(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}
