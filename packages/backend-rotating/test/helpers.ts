import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ActorEvent } from "@papyra/core";

/** A fresh temp directory; remove it with {@link removeDir}. */
export function makeTempDir(prefix = "papyra-rot-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a temp directory and everything in it. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A valid event carrying `id` in its payload, padded to roughly `pad` extra bytes. */
export function event(id: number, pad = 0, timestamp = 1_700_000_000 + id): ActorEvent {
  return {
    system_id: "sys",
    actor_address: { system: "sys", actor_id: id },
    event_type: "ActorStarted",
    payload: { id, pad: "x".repeat(pad) },
    timestamp,
  };
}

/** Names and sizes of the files in `dir` whose names start with `prefix`. */
export async function filesOf(dir: string, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix)) continue;
    // A file may be renamed or removed (rotation, a sidecar's lock) between readdir and stat.
    const st = await stat(join(dir, name)).catch(() => null);
    if (st) out.set(name, st.size);
  }
  return out;
}

/** The contents of every segment of the set at `base`, by file name. */
export async function segmentContents(dir: string, base: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir)) {
    if (name === base || /^\d+$/.test(name.slice(base.length + 1))) {
      if (name.startsWith(base)) out.set(name, await readFile(join(dir, name), "utf8"));
    }
  }
  return out;
}
