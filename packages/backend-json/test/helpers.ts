import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ActorEvent } from "@papyra/core";

/** A fresh temp directory; remove it with {@link removeDir}. */
export function makeTempDir(prefix = "papyra-json-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A valid event with a distinguishable id in its payload. */
export function event(id: number, timestamp = 1_700_000_000 + id): ActorEvent {
  return {
    system_id: "sys",
    actor_address: { system: "sys", actor_id: id },
    event_type: "ActorStarted",
    payload: { id },
    timestamp,
  };
}
