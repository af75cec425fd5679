// A redis-server the tests own: started on a free loopback port (never 6379), with its own
// directory, stopped (SIGKILL) when the test file is done. Tests never skip without one.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

function binary(name: string): string {
  try {
    return execFileSync("which", [name], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      `${name} was not found on PATH. The Redis backend's tests need a real redis-server ` +
        "(apt-get install redis-server; .ci/run installs it). They never skip.",
    );
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free loopback port (and, for cluster nodes, a free bus port at +10000). */
export async function freePort(withBusPort = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    if (!withBusPort) return port;
    if (port + 10000 <= 65535 && (await bindable(port + 10000))) return port;
  }
  throw new Error("no free port pair found for a cluster node");
}

/** Sends PING over a raw socket; true once the server answers (+PONG, or NOAUTH when it wants a password). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
    });
  });
}

/** Runs redis-cli against a port and returns its output. */
export function redisCli(port: number, ...args: string[]): string {
  return execFileSync(binary("redis-cli"), ["-h", "127.0.0.1", "-p", String(port), ...args], {
    encoding: "utf8",
  });
}

/** A redis-server process the tests own: started on a free port, stopped afterwards. */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  readonly #args: string[];
  #child: ChildProcess | null = null;
  #ownsDir: boolean;

  private constructor(port: number, dir: string, args: string[], ownsDir: boolean) {
    this.port = port;
    this.dir = dir;
    this.#args = args;
    this.#ownsDir = ownsDir;
  }

  /** `redis://127.0.0.1:<port>` */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Runs redis-cli against this server and returns its output. */
  cli(...args: string[]): string {
    return redisCli(this.port, ...args);
  }

  /**
   * Starts a server. By default it keeps nothing on disk; pass `persistent: true` for an AOF
   * with `appendfsync always`, so a SIGKILL loses nothing that was acknowledged.
   */
  static async start(
    options: { persistent?: boolean; extraArgs?: string[]; port?: number; dir?: string } = {},
  ): Promise<RedisServer> {
    const port = options.port ?? (await freePort());
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), "papyra-redis-"));
    const persistence = options.persistent
      ? ["--save", "", "--appendonly", "yes", "--appendfsync", "always"]
      : ["--save", "", "--appendonly", "no"];
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
      ...persistence,
      ...(options.extraArgs ?? []),
    ];
    const server = new RedisServer(port, dir, args, options.dir === undefined);
    try {
      await server.resume();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Starts (again) the process on the same port and directory, and waits for PING. */
  async resume(): Promise<void> {
    const child = spawn(binary("redis-server"), this.#args, {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk.toString();
    });
    this.#child = child;
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) {
        this.#child = null;
        throw new Error(`redis-server on port ${this.port} exited (${child.exitCode}): ${stderr}`);
      }
      if (await ping(this.port)) return;
      await sleep(25);
    }
    await this.kill();
    throw new Error(`redis-server on port ${this.port} did not answer PING`);
  }

  /**
   * Freezes the process (SIGSTOP): the kernel still accepts connections and buffers what
   * clients send, but nothing is answered, like a server stuck in a long command or a fork.
   */
  freeze(): void {
    this.#child?.kill("SIGSTOP");
  }

  /** Lets a frozen process run again (SIGCONT); it then answers everything it buffered. */
  thaw(): void {
    this.#child?.kill("SIGCONT");
  }

  /** Kills the process (SIGKILL by default: a crash) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Stops the server and removes its directory. */
  async stop(): Promise<void> {
    await this.kill("SIGKILL");
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Three cluster-enabled masters joined by `redis-cli --cluster create`. */
export class RedisCluster {
  readonly nodes: RedisServer[];
  readonly dir: string;

  private constructor(nodes: RedisServer[], dir: string) {
    this.nodes = nodes;
    this.dir = dir;
  }

  static async start(): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), "papyra-redis-cluster-"));
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const port = await freePort(true);
        nodes.push(
          await RedisServer.start({
            port,
            dir,
            extraArgs: [
              "--cluster-enabled",
              "yes",
              "--cluster-config-file",
              join(dir, `nodes-${port}.conf`),
              "--cluster-node-timeout",
              "5000",
            ],
          }),
        );
      }
      const first = nodes[0] as RedisServer;
      redisCli(
        first.port,
        "--cluster",
        "create",
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      );
      for (let i = 0; i < 400; i++) {
        if (nodes.every((n) => redisCli(n.port, "cluster", "info").includes("cluster_state:ok"))) {
          return new RedisCluster(nodes, dir);
        }
        await sleep(50);
      }
      throw new Error("the cluster did not reach cluster_state:ok");
    } catch (error) {
      for (const node of nodes) await node.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
