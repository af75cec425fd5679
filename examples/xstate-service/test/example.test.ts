import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const papyra = join(
  dirname(createRequire(import.meta.url).resolve("papyra/package.json")),
  "dist",
  "bin.js",
);

async function cli(cwd: string, ...args: string[]) {
  const { stdout } = await run(process.execPath, [papyra, ...args, "--json"], { cwd });
  return JSON.parse(stdout) as Record<string, unknown> & { exit_code: number };
}

describe("examples/xstate-service", () => {
  // Five node processes: generous for a loaded machine.
  it("runs the order workflow into ./papyra.ndjson, and the CLI shows its lifecycle, dead letter and audit", {
    timeout: 120_000,
  }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "papyra-xstate-service-"));
    const { stdout } = await run(process.execPath, [main], { cwd });
    expect(stdout).toContain("order done; 12 records written to ./papyra.ndjson (0 dropped)");

    const events = (await cli(cwd, "inspect", "events")).events as Array<{
      event_type: string;
      actor_address: { actor_id: string };
      payload: Record<string, unknown>;
    }>;
    expect(events.map((e) => `${e.event_type} ${e.actor_address.actor_id}`)).toEqual([
      "ActorStarted order-1001",
      "ActorStarted order-1001/payment",
      "ActorCrashed order-1001/payment",
      "ActorRestarted order-1001/payment",
      "ActorStopped order-1001/payment",
      "ActorStarted order-1001/inventory",
      "ActorStopped order-1001/inventory",
      "ActorStarted order-1001/shipping",
      "ActorStopped order-1001/shipping",
      "ActorStopped order-1001",
    ]);
    expect(events[2]?.payload.error).toEqual({
      name: "Error",
      message: "card declined by issuer (retry allowed)",
    });

    const letters = (await cli(cwd, "inspect", "dead-letters")).dead_letters;
    // The signature stays out of the store (the example's payload policy keeps only the type).
    expect(letters).toEqual([
      expect.objectContaining({
        target: { system: "shop", actor_id: "order-1001/shipping" },
        message_type: "DELIVERED",
        payload: { type: "DELIVERED" },
      }),
    ]);

    const summary = await cli(cwd, "inspect", "summary");
    expect(summary.exit_code).toBe(0);
    expect(summary.summary).toMatchObject({
      audits: 1,
      system_id: "shop",
      alive_actors: 0,
      dead_letters_count: 1,
      registry_dead: [
        "shop:order-1001/payment",
        "shop:order-1001/inventory",
        "shop:order-1001/shipping",
        "shop:order-1001",
      ],
    });
  });
});
