import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort } from "@papyra/test-support";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonStore } from "./stores.js";

const examples = join(import.meta.dirname, "..", "dist", "examples");

/** Runs one extracted example as a module, with these environment variables; returns its logs. */
async function runExample(name: string, env: Record<string, string>): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  });
  Object.assign(process.env, env);
  try {
    await import(`${pathToFileURL(join(examples, name)).href}?run=${Date.now()}`);
  } finally {
    log.mockRestore();
    for (const key of Object.keys(env)) delete process.env[key];
  }
  return lines;
}

describe("the TypeScript examples run as written", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "papyra-guide-ts-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("the guide's in-process compaction applies the 30-day retention to an existing store", async () => {
    const path = join(dir, "papyra.ndjson");
    await jsonStore(path, 5); // events of November 2023: older than 30 days
    const logs = await runExample("compact-in-process.ts", { PAPYRA_PATH: path });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^compacted: 5 records, [1-9]\d* bytes$/);
  });

  it("the guide's OpenTelemetry wiring starts, checks the store and shuts down", async () => {
    const path = join(dir, "papyra.ndjson");
    await runExample("opentelemetry-wiring.ts", {
      PAPYRA_PATH: path,
      METRICS_PORT: String(await freePort()),
    });
    expect(existsSync(path)).toBe(true);
  });

  it("the @papyra/opentelemetry README example serves the written record to Prometheus", async () => {
    const path = join(dir, "papyra.ndjson");
    const logs = await runExample("opentelemetry-readme.ts", {
      PAPYRA_PATH: path,
      METRICS_PORT: String(await freePort()),
    });
    expect(logs).toHaveLength(1);
    const [sample] = JSON.parse(logs[0] as string) as string[];
    expect(sample).toMatch(
      new RegExp(
        `^papyra_records_written_total\\{papyra_backend="json",papyra_store="${path.replaceAll("/", "\\/")}",.*\\} 1$`,
      ),
    );
  });
});
