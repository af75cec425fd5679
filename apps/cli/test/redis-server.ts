import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A free loopback port (nothing listens on it once this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (chunk) => {
      socket.destroy();
      const reply = chunk.toString();
      resolve(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
    });
  });
}

/** A redis-server the CLI tests own, on a free loopback port, keeping nothing on disk. */
export class TestRedis {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #dir: string;

  private constructor(port: number, child: ChildProcess, dir: string) {
    this.port = port;
    this.#child = child;
    this.#dir = dir;
  }

  static async start(extraArgs: string[] = []): Promise<TestRedis> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "papyra-cli-redis-"));
    const child = spawn(
      "redis-server",
      [
        ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
        ...["--save", "", "--appendonly", "no"],
        ...extraArgs,
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 200 && !(await answers(port)); i++) await sleep(50);
    return new TestRedis(port, child, dir);
  }

  /** Runs redis-cli against this server. */
  cli(...args: string[]): string {
    return execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(this.port), ...args], {
      encoding: "utf8",
    });
  }

  stop(): void {
    this.#child.kill("SIGKILL");
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
