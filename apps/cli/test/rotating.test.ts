import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, papyra, papyraJson, tempProject } from "./helpers.js";

describe("the rotating file store shipped with the CLI", () => {
  it("reads, scans and summarises a rotation set written by the Python implementation", async () => {
    const cwd = tempProject({
      "papyra.config.json": JSON.stringify({
        backend: "rotating",
        options: { path: "logs/papyra.log", maxFiles: 4 },
      }),
    });
    mkdirSync(join(cwd, "logs"));
    for (const name of readdirSync(join(FIXTURES, "rotating"))) {
      copyFileSync(join(FIXTURES, "rotating", name), join(cwd, "logs", name));
    }
    const [events, scan, summary] = await Promise.all([
      papyra(["inspect", "events", "--limit", "2"], { cwd }),
      papyraJson(["persistence", "scan"], { cwd }),
      papyra(["inspect", "summary", "--backend", "rotating", "--path", "logs/papyra.log"], { cwd }),
    ]);
    expect(events.code).toBe(0);
    expect(events.stdout).toBe(
      "[2025-11-22T00:00:15.000Z] ActorRestarted local:3\n[2025-11-22T00:00:16.500Z] ActorStopped local:4\n",
    );
    expect(scan.code).toBe(0);
    expect(scan.doc).toMatchObject({
      store: { backend: "rotating", selected_by: "config" },
      scan: { anomalies: [], records_scanned: 17 },
    });
    expect(summary.stdout).toMatch(/Dead letters:\s+2/);
  });
});
