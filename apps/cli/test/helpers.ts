import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { encodeRecord, type RecordByKind, type RecordKind } from "@papyra/core";
import { afterAll } from "vitest";
import type { CliRun } from "../src/main.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The built CLI, run as a user would run it. */
export const CLI = resolve(here, "../dist/bin.js");
/** Test fixtures inside the repository. */
export const FIXTURES = join(here, "fixtures");

if (!existsSync(CLI)) {
  throw new Error(`${CLI} is missing: build the CLI first (pnpm --filter papyra build)`);
}

/** What one CLI run produced. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** The environment of the test process, without anything that would steer the CLI. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("PAPYRA_") || key === "NO_COLOR" || key === "FORCE_COLOR") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** A stream that keeps what is written to it, as the CLI's stdout or stderr in a test. */
class CapturedStream extends Writable {
  text = "";
  readonly isTTY = false;

  override _write(chunk: Buffer | string, _encoding: string, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

// The built package, as a user's program imports it (loaded once per test file).
const cli = (await import(pathToFileURL(resolve(here, "../dist/index.js")).href)) as {
  runCli(run: CliRun): Promise<number>;
};

/**
 * Runs the built CLI in this process through its exported `runCli`, in `cwd`, with its own
 * streams and environment (nothing of this process's is shared). Most tests use this: it is
 * what the binary runs, without starting a Node process each time.
 */
export async function papyra(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await cli.runCli({
    argv: [...args],
    cwd: options.cwd,
    env: baseEnv(options.env),
    stdout,
    stderr,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Runs the built binary (`dist/bin.js`) as a child process in `cwd`: the smoke tests that
 * check what only a real process shows (the `--version` fast path, exit codes, streams).
 */
export function papyraProcess(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: baseEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Runs the CLI with `--json` and parses the one document on stdout. */
export async function papyraJson(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult & { doc: Record<string, unknown> }> {
  const result = await papyra([...args, "--json"], options);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(
      `stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return { ...result, doc };
}

/** A temporary project directory (with a package.json), removed after the test file. */
export function tempProject(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "papyra-cli-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "tmp-project", private: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Copies a fixture into a directory. */
export function copyFixture(name: string, to: string): string {
  copyFileSync(join(FIXTURES, name), to);
  return to;
}

/** One record to write into a store file. */
export type AnyRecord = { [K in RecordKind]: { kind: K; record: RecordByKind[K] } }[RecordKind];

/** An event record. */
export function event(timestamp: number, eventType: string, actor: string): AnyRecord {
  return {
    kind: "event",
    record: {
      system_id: "sys",
      actor_address: { system: "sys", actor_id: actor },
      event_type: eventType,
      payload: {},
      timestamp,
    },
  };
}

/** An audit record. */
export function audit(timestamp: number, total: number, deadLetters: number): AnyRecord {
  return {
    kind: "audit",
    record: {
      system_id: "sys",
      timestamp,
      total_actors: total,
      alive_actors: total - 1,
      stopping_actors: 1,
      restarting_actors: 0,
      registry_size: total,
      registry_orphans: [],
      registry_dead: ["sys:gone"],
      dead_letters_count: deadLetters,
    },
  };
}

/** A dead-letter record. */
export function deadLetter(
  timestamp: number,
  messageType: string,
  target: string | null,
): AnyRecord {
  return {
    kind: "dead_letter",
    record: { system_id: "sys", target, message_type: messageType, payload: { n: 1 }, timestamp },
  };
}

/** NDJSON text of records, as a JSON store holds them. */
export function ndjson(records: readonly AnyRecord[]): string {
  return records.map((r) => `${encodeRecord(r.kind, r.record as never)}\n`).join("");
}

/** Writes a JSON store file directly (no writer, no lock). */
export function writeStore(path: string, records: readonly AnyRecord[], tail = ""): string {
  writeFileSync(path, ndjson(records) + tail);
  return path;
}

/** Asks a writer started by {@link startWriter} to record `count` events; resolves once stored. */
export function writeThrough(writer: ChildProcess, count: number): Promise<void> {
  return new Promise((resolvePromise) => {
    const onData = (chunk: Buffer | string) => {
      if (!String(chunk).includes(`wrote ${count}`)) return;
      writer.stdout?.off("data", onData);
      resolvePromise();
    };
    writer.stdout?.on("data", onData);
    writer.stdin?.write(`write ${count}\n`);
  });
}

/**
 * Starts a real writer process holding the JSON store's writer lock; resolves once it is open.
 * Killed with SIGKILL after the test file.
 */
export function startWriter(storePath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(FIXTURES, "writer.mjs"), storePath], {
    cwd: dirname(storePath),
    stdio: ["pipe", "pipe", "pipe"],
  });
  cleanups.push(() => child.kill("SIGKILL"));
  return new Promise((resolvePromise, reject) => {
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("ready")) resolvePromise(child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
    });
    child.on("exit", (code) => reject(new Error(`writer exited with ${code}: ${err}`)));
  });
}

/**
 * Every file under `dir` (recursively, dot-files included) with the sha256 of its bytes, and
 * every directory: compare two snapshots to prove a command changed nothing at all.
 */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) {
        out[`${rel}/`] = "dir";
        walk(rel);
      } else {
        out[rel] = createHash("sha256")
          .update(readFileSync(join(dir, rel)))
          .digest("hex");
      }
    }
  };
  walk("");
  return out;
}

/** Text that is not a store: the shape of /etc/passwd. */
export const PASSWD_TEXT = [
  "root:x:0:0:root:/root:/bin/bash",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "bin:x:2:2:bin:/bin:/usr/sbin/nologin",
  "sys:x:3:3:sys:/dev:/usr/sbin/nologin",
  "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "",
].join("\n");

/** Binary data that is not a store: deterministic bytes of every value, some of them newlines. */
export function binaryBytes(length = 4096): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  bytes.write("\x7fELF", 0, "latin1");
  return bytes;
}
