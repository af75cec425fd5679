import assert from "node:assert/strict";
import { isAbsolute } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { backendCapabilities, type PersistenceBackend } from "@papyra/core";
import type { TestRunner } from "../types.js";
import { type KillPoint, killCrashChildren, runUntilKilled } from "./kill.js";
import { crashEvent, crashEventId } from "./records.js";

/**
 * A backend as the crash group opens it: from a module a child process can import (built
 * JavaScript, since the child is plain Node), through one of its exports.
 */
export interface CrashSubject {
  /** Shown in the group's name. */
  name: string;
  /** Absolute path or `file:` URL of the module, e.g. your package's `dist/index.js`. */
  module: string;
  /**
   * The module's export that opens a store for writing: `(options) => Promise<PersistenceBackend>`
   * (e.g. `"openJsonStore"`). The child and the checker both open the store through it.
   */
  export: string;
  /**
   * Options of a fresh, empty store, as JSON (they reach the child as text). Called once per
   * store the group writes; the group reopens the same store with the same options.
   */
  options: () => unknown;
  /** Called after each test, once every store it opened is closed. */
  cleanup?: () => Promise<void>;
}

/** Options of {@link runCrashGroup}. */
export interface CrashOptions {
  /** Fresh stores written (default 3). */
  stores?: number;
  /** Writers killed per store, each restarting on what the last one left (default 2). */
  killsPerStore?: number;
  /** Timeout passed to `it`, in milliseconds (default 180000). */
  timeoutMs?: number;
}

// Acknowledged writes before each kill, cycled: right after the start, a few, many.
const KILL_AFTER = [1, 97, 400, 13, 211, 50];

const WRITER = fileURLToPath(new URL("./writer-child.js", import.meta.url));

/** Where and how a crash writer opens its store. */
export interface CrashWriter {
  /** Absolute path or `file:` URL of the module to import. */
  module: string;
  /** Its export that opens a store for writing: `(options) => Promise<PersistenceBackend>`. */
  export: string;
  /** The options passed to that export (JSON). */
  options: unknown;
  /** Number of the first event written ({@link crashEvent}); each next one is one more. */
  firstId: number;
}

/**
 * Starts a child process that opens the store through `writer` and records
 * {@link crashEvent}s (16 in flight) until it is killed with SIGKILL at `killPoint`; resolves
 * with the numbers of the events whose `recordEvent` had resolved.
 */
export async function runWriterUntilKilled(
  writer: CrashWriter,
  killPoint: KillPoint,
): Promise<number[]> {
  const args = [
    moduleUrl(writer.module),
    writer.export,
    JSON.stringify(writer.options),
    String(writer.firstId),
  ];
  return (await runUntilKilled(WRITER, args, killPoint)).map(Number);
}

function moduleUrl(module: string): string {
  if (module.startsWith("file:")) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new TypeError(
    `crash subject module must be an absolute path or a file: URL, not ${JSON.stringify(module)}`,
  );
}

async function openStore(subject: CrashSubject, options: unknown): Promise<PersistenceBackend> {
  const mod = (await import(moduleUrl(subject.module))) as Record<string, unknown>;
  const open = mod[subject.export];
  if (typeof open !== "function") {
    throw new TypeError(`${subject.module} has no function export "${subject.export}"`);
  }
  return (await open(options)) as PersistenceBackend;
}

/** Every crash event listed, by number; fails on a number listed twice. */
async function listedById(
  store: PersistenceBackend,
): Promise<Map<number, Record<string, unknown>>> {
  const byId = new Map<number, Record<string, unknown>>();
  for (const record of await store.listEvents()) {
    const id = crashEventId(record as { payload?: unknown; system_id?: unknown });
    if (id === undefined) continue;
    assert.ok(!byId.has(id), `event ${id} is listed twice`);
    byId.set(id, record as unknown as Record<string, unknown>);
  }
  return byId;
}

function assertAcknowledgedKept(
  listed: Map<number, Record<string, unknown>>,
  acknowledged: ReadonlySet<number>,
  when: string,
): void {
  for (const id of acknowledged) {
    const record = listed.get(id);
    assert.ok(record, `acknowledged event ${id} is missing ${when}`);
    assert.deepEqual(record, crashEvent(id), `acknowledged event ${id} changed ${when}`);
  }
}

/**
 * Registers the `crash` group: a child process writes through the backend (16 writes in
 * flight), is killed with SIGKILL after a number of acknowledged writes, and the store is then
 * opened again here. Every write whose promise resolved before the kill must be listed, once
 * and unchanged, also after `recover({ mode: "repair" })` when the backend can recover; the
 * reopened store must take new writes. A killed writer's successor restarts on the same store.
 * Bounded by counts (writes acknowledged, kills), never by time.
 */
export function runCrashGroup(
  runner: TestRunner,
  subject: CrashSubject,
  options: CrashOptions = {},
): void {
  const stores = options.stores ?? 3;
  const killsPerStore = options.killsPerStore ?? 2;
  const timeoutMs = options.timeoutMs ?? 180_000;
  runner.describe(`papyra crash: ${subject.name}`, () => {
    runner.afterEach(async () => {
      killCrashChildren();
      await subject.cleanup?.();
    });
    runner.it(
      `writers killed with SIGKILL ${stores * killsPerStore} times lose no acknowledged write`,
      async () => {
        let kills = 0;
        for (let s = 0; s < stores; s++) {
          const storeOptions = subject.options();
          const acknowledged = new Set<number>();
          let nextId = s * 1_000_000;
          for (let k = 0; k < killsPerStore; k++) {
            const afterLines = KILL_AFTER[kills++ % KILL_AFTER.length] as number;
            const lines = await runUntilKilled(
              WRITER,
              [
                moduleUrl(subject.module),
                subject.export,
                JSON.stringify(storeOptions),
                String(nextId),
              ],
              { afterLines },
            );
            assert.ok(lines.length >= afterLines, `the writer acknowledged only ${lines.length}`);
            for (const line of lines) acknowledged.add(Number(line));

            const store = await openStore(subject, storeOptions);
            try {
              const listed = await listedById(store);
              assertAcknowledgedKept(listed, acknowledged, "after the kill");
              if (backendCapabilities(store).recover && store.recover) {
                await store.recover({ mode: "repair" });
                assertAcknowledgedKept(await listedById(store), acknowledged, "after repair");
              }
              // The next writer starts past every number stored, acknowledged or in flight.
              nextId = Math.max(nextId, ...listed.keys(), ...acknowledged) + 1;
              const after = nextId++;
              await store.recordEvent(crashEvent(after));
              acknowledged.add(after);
              assertAcknowledgedKept(await listedById(store), acknowledged, "after a new write");
            } finally {
              await store.close();
            }
          }
        }
      },
      timeoutMs,
    );
  });
}
