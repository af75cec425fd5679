import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (chunk) => done(chunk.toString().startsWith("+PONG")));
  });
}

/**
 * A real redis-server owned by a test: a free loopback port (never 6379), an append-only file
 * fsynced on every write (so a SIGKILL loses nothing acknowledged), killed and resumed on demand.
 */
export class RedisServer {
  #child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), "papyra-redis-")));
    await server.resume();
    return server;
  }

  /** Starts the process (again) on the same port and directory; resolves once it answers PING. */
  async resume(): Promise<void> {
    const bin = execFileSync("which", ["redis-server"], { encoding: "utf8" }).trim();
    const child = spawn(
      bin,
      [
        ...["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir],
        ...[
          "--save",
          "",
          "--appendonly",
          "yes",
          "--appendfsync",
          "always",
          "--loglevel",
          "warning",
        ],
      ],
      { stdio: "ignore" },
    );
    this.#child = child;
    for (let i = 0; i < 400; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
      if (await ping(this.port)) return;
      await sleep(25);
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING`);
  }

  /** Kills the process with SIGKILL (a crash) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
