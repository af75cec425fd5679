import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RedisServer } from "@papyra/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  audit,
  baseEnv,
  CLI,
  copyFixture,
  deadLetter,
  event,
  papyra,
  papyraJson,
  snapshotDir,
  tempProject,
  writeStore,
} from "./helpers.js";

const RECORDS = [
  event(1, "ActorStarted", "a"),
  audit(2, 3, 1),
  event(3, "ActorCrashed", "b"),
  deadLetter(4, "Ping", "sys:a"),
  event(5, "ActorStopped", "a"),
];

/** Everything a store holds, read through the CLI's JSON listings. */
async function contents(args: string[], cwd: string) {
  const [events, audits, letters] = await Promise.all([
    papyraJson(["inspect", "events", ...args], { cwd }),
    papyraJson(["inspect", "audits", ...args], { cwd }),
    papyraJson(["inspect", "dead-letters", ...args], { cwd }),
  ]);
  return {
    events: events.doc.events,
    audits: audits.doc.audits,
    letters: letters.doc.dead_letters,
  };
}

/** Runs a shell pipeline (`papyra ... | papyra ...`) with the built CLI as `papyra`. */
function shell(
  script: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script], {
      cwd,
      env: baseEnv({ PAPYRA: `${process.execPath} ${CLI}` }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis.stop());

describe("papyra export", () => {
  it("writes every record as NDJSON with its kind, the stored lines as they are; --kind, --since and --until select", async () => {
    const cwd = tempProject();
    const path = writeStore(join(cwd, "a.ndjson"), RECORDS);
    const all = await papyra(["export", "--path", path], { cwd });
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(readFileSync(path, "utf8"));
    expect(all.stderr).toContain("exported 5 records (events 3, audits 1, dead letters 1)");
    const some = await papyra(
      [
        "export",
        "--path",
        path,
        "--kind",
        "event",
        "--kind",
        "dead_letter",
        "--since",
        "2",
        "--until",
        "4",
      ],
      { cwd },
    );
    expect(
      some.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).kind),
    ).toEqual(["event", "dead_letter"]);
    const bad = await papyra(["export", "--path", path, "--kind", "events"], { cwd });
    expect(bad.code).toBe(64);
  });

  it("--output writes the file whole or not at all and reports in JSON", async () => {
    const cwd = tempProject();
    const path = writeStore(join(cwd, "a.ndjson"), RECORDS);
    const { code, doc } = await papyraJson(["export", "--path", path, "--output", "out.ndjson"], {
      cwd,
    });
    expect(code).toBe(0);
    expect(doc).toMatchObject({
      command: "export",
      ok: true,
      records: 5,
      counts: { event: 3, audit: 1, dead_letter: 1 },
    });
    expect(readFileSync(join(cwd, "out.ndjson"), "utf8")).toBe(readFileSync(path, "utf8"));
    const missing = await papyra(
      ["export", "--path", join(cwd, "nope.ndjson"), "--output", "x.ndjson"],
      { cwd },
    );
    expect(missing.code).toBe(66);
    expect(Object.keys(snapshotDir(cwd)).filter((f) => f.includes("x.ndjson"))).toEqual([]);
  });
});

describe("papyra import", () => {
  it("moves a store JSON -> rotating -> Redis -> JSON and every record reads back the same", async () => {
    const cwd = tempProject();
    const source = writeStore(join(cwd, "a.ndjson"), RECORDS);
    const url = `redis://127.0.0.1:${redis.port}`;
    const json = ["--path", source];
    const rotating = ["--backend", "rotating", "--path", join(cwd, "r.log")];
    const redisArgs = ["--backend", "redis", "--redis-url", url, "--redis-system-id", "moved"];
    const back = ["--path", join(cwd, "back.ndjson")];
    const expected = await contents(json, cwd);
    expect(expected.events).toHaveLength(3);

    expect((await papyra(["export", ...json, "-o", "1.ndjson"], { cwd })).code).toBe(0);
    const intoRotating = await papyraJson(["import", "1.ndjson", ...rotating], { cwd });
    expect(intoRotating.doc).toMatchObject({ imported: 5, invalid_count: 0 });
    expect(await contents(rotating, cwd)).toEqual(expected);

    expect((await papyra(["export", ...rotating, "-o", "2.ndjson"], { cwd })).code).toBe(0);
    expect((await papyraJson(["import", "2.ndjson", ...redisArgs], { cwd })).doc).toMatchObject({
      imported: 5,
    });
    expect(await contents(redisArgs, cwd)).toEqual(expected);

    expect((await papyra(["export", ...redisArgs, "-o", "3.ndjson"], { cwd })).code).toBe(0);
    expect((await papyraJson(["import", "3.ndjson", ...back], { cwd })).doc).toMatchObject({
      imported: 5,
    });
    expect(await contents(back, cwd)).toEqual(expected);
  }, 120_000);

  it("papyra export --path a.ndjson | papyra import - --backend redis: the way to move to Redis", async () => {
    const cwd = tempProject();
    writeStore(join(cwd, "a.ndjson"), RECORDS);
    const url = `redis://127.0.0.1:${redis.port}`;
    const piped = await shell(
      `$PAPYRA export --path a.ndjson | $PAPYRA import - --backend redis --redis-url ${url} --redis-system-id piped`,
      cwd,
    );
    expect(piped.stderr).toContain("exported 5 records");
    expect(piped.stdout).toBe("Imported 5 records from stdin.\n");
    expect(piped.code).toBe(0);
    const redisArgs = ["--backend", "redis", "--redis-url", url, "--redis-system-id", "piped"];
    expect(await contents(redisArgs, cwd)).toEqual(await contents(["--path", "a.ndjson"], cwd));
    // And back: Redis to a new JSON file store through a pipe.
    const reverse = await shell(
      `$PAPYRA export --backend redis --redis-url ${url} --redis-system-id piped | $PAPYRA import - --path b.ndjson`,
      cwd,
    );
    expect(reverse.code).toBe(0);
    expect(await contents(["--path", "b.ndjson"], cwd)).toEqual(
      await contents(["--path", "a.ndjson"], cwd),
    );
  }, 120_000);

  it("validates line by line: invalid lines are named by line number (exit 2), valid ones are imported, --dry-run writes nothing", async () => {
    const cwd = tempProject();
    const lines = readFileSync(
      writeStore(join(cwd, "a.ndjson"), RECORDS.slice(0, 2)),
      "utf8",
    ).split("\n");
    writeFileSync(
      join(cwd, "mixed.ndjson"),
      [
        lines[0],
        "{not json",
        "",
        '{"kind":"event","system_id":"s","timestamp":1}',
        '{"kind":"future","timestamp":1}',
        lines[1],
      ].join("\n"),
    );
    const before = snapshotDir(cwd);
    const dry = await papyraJson(["import", "mixed.ndjson", "--dry-run", "--path", "b.ndjson"], {
      cwd,
    });
    expect(dry.code).toBe(2);
    expect(dry.doc).toMatchObject({
      dry_run: true,
      imported: 2,
      invalid_count: 2,
      skipped_unknown_kind: 1,
      blank: 1,
      lines: 6,
    });
    expect((dry.doc.invalid as { line: number }[]).map((i) => i.line)).toEqual([2, 4]);
    expect(snapshotDir(cwd)).toEqual(before);

    const real = await papyra(["import", "mixed.ndjson", "--path", "b.ndjson"], { cwd });
    expect(real.code).toBe(2);
    expect(real.stdout).toContain("Imported 2 records");
    expect(real.stdout).toMatch(/mixed\.ndjson:2: not valid JSON/);
    expect(real.stdout).toMatch(/mixed\.ndjson:4: invalid event record/);
    expect((await contents(["--path", "b.ndjson"], cwd)).events).toHaveLength(1);
    expect((await papyra(["import", "nope.ndjson", "--path", "b.ndjson"], { cwd })).code).toBe(66);
    expect((await papyra(["import", "b.ndjson", "--path", "b.ndjson"], { cwd })).code).toBe(64);
  }, 60_000);

  it("shows progress on a terminal only: never on a pipe", async () => {
    const cwd = tempProject();
    writeStore(join(cwd, "a.ndjson"), RECORDS);
    const command = [process.execPath, CLI, "import", "a.ndjson", "--path", "b.ndjson"]
      .map((a) => `'${a}'`)
      .join(" ");
    const terminal = await shell(`script -qec "${command.replaceAll('"', '\\"')}" /dev/null`, cwd);
    expect(terminal.stdout).toMatch(/import: 100% · \d+ B of \d+ B/);
    expect(terminal.stdout).toContain("Imported 5 records");
    const piped = await papyra(["import", "a.ndjson", "--path", "c.ndjson"], { cwd });
    expect(piped.stderr).toBe("");
    expect(piped.stdout).toBe(`Imported 5 records from ${join(cwd, "a.ndjson")}.\n`);
  }, 60_000);

  it("reads a Python rotating store directly, the whole set oldest first", async () => {
    const cwd = tempProject();
    // A copy: reading a store through the CLI updates its metrics sidecar.
    const fixtures = join(import.meta.dirname, "fixtures", "rotating");
    for (const name of ["papyra.log", "papyra.log.1", "papyra.log.2", "papyra.log.3"]) {
      copyFileSync(join(fixtures, name), join(cwd, name));
    }
    const fixture = join(cwd, "papyra.log");
    const { code, doc } = await papyraJson(["import", fixture, "--path", "b.ndjson"], { cwd });
    expect(code).toBe(0);
    expect((doc.source as string[]).map((f) => f.split("/").pop())).toEqual([
      "papyra.log.3",
      "papyra.log.2",
      "papyra.log.1",
      "papyra.log",
    ]);
    const imported = await contents(["--path", "b.ndjson"], cwd);
    const original = await contents(["--backend", "rotating", "--path", fixture], cwd);
    expect(imported).toEqual(original);
  }, 60_000);

  it("carries a Python store's NaN / Infinity lines and actor-reference targets over without loss: byte for byte into a file store, as read into Redis", async () => {
    const cwd = tempProject();
    const source = copyFixture("edge-cases.ndjson", join(cwd, "edge.ndjson"));
    const dry = await papyraJson(["import", source, "--dry-run", "--path", "b.ndjson"], { cwd });
    expect(dry.code).toBe(0);
    expect(dry.doc).toMatchObject({ imported: 6, verbatim: 3, invalid_count: 0 });

    const json = await papyraJson(["import", source, "--path", "b.ndjson"], { cwd });
    expect(json.code).toBe(0);
    expect(json.doc).toMatchObject({ imported: 6, verbatim: 3, invalid_count: 0 });
    const sourceLines = readFileSync(source, "utf8").split("\n");
    const storedLines = readFileSync(join(cwd, "b.ndjson"), "utf8").split("\n");
    // Every line byte for byte, integers beyond 2^53 and Python's separators included.
    expect(storedLines.filter((l) => l !== "")).toEqual(sourceLines.filter((l) => l !== ""));
    const original = await contents(["--path", source], cwd);
    expect(await contents(["--path", "b.ndjson"], cwd)).toEqual(original);

    const url = `redis://127.0.0.1:${redis.port}`;
    const redisArgs = ["--backend", "redis", "--redis-url", url, "--redis-system-id", "python"];
    const moved = await papyraJson(["import", source, ...redisArgs], { cwd });
    expect(moved.code).toBe(0);
    expect(moved.doc).toMatchObject({ imported: 6, verbatim: 3, invalid_count: 0 });
    expect(await contents(redisArgs, cwd)).toEqual(original);
  }, 60_000);
});
