import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RedisServer } from "@papyra/test-support";
import { BACKENDS, type BackendName, loadBackend } from "./backends.js";
import { runInChild } from "./child.js";
import { type BenchConfig, GROUPS, type Group, readConfig } from "./config.js";
import { exportGroup } from "./export-group.js";
import { currentLoad, machineInfo } from "./machine.js";
import { otelGroup } from "./otel-group.js";
import { updateReadme, writeReport } from "./report.js";
import { type BenchResults, FigureBook } from "./results.js";
import { percentile } from "./stats.js";
import { corruptLineAt, type GeneratedStore, generateStore } from "./store-files.js";
import { evaluateTargets, type Facts } from "./targets.js";
import type {
  AppendResult,
  AppendSubject,
  BulkOp,
  BulkResult,
  StartupResult,
  TailResult,
  Task,
} from "./tasks.js";
import { papyraBin, timeProcess } from "./workloads/cli.js";
import { xstateGroup } from "./xstate-group.js";

const MB = 1024 * 1024;
const RESULTS_DIR = fileURLToPath(new URL("../results", import.meta.url));

function sizeLabel(bytes: number): string {
  return bytes >= 1024 * MB
    ? `${Math.round(bytes / (1024 * MB))}GB`
    : `${Math.round(bytes / MB)}MB`;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** State shared by the groups of one run. */
interface Run {
  config: BenchConfig;
  tmp: string;
  book: FigureBook;
  facts: Facts;
  skipped: string[];
  notes: string[];
  load: Record<string, number>;
  available: Record<BackendName, string | true>;
  redis: RedisServer | string;
  stores: Map<string, GeneratedStore>;
}

function profileDir(run: Run, task: Task): string | undefined {
  const wanted = run.config.profile;
  const name =
    task.kind === "append"
      ? `append:${task.subject}`
      : task.kind === "bulk"
        ? `bulk:${task.op}`
        : task.kind;
  if (wanted.some((p) => p === task.kind || p === name || p === "all")) {
    return join(RESULTS_DIR, "profiles");
  }
  return undefined;
}

function child<T>(run: Run, task: Task) {
  return runInChild<T>(task, { profileDir: profileDir(run, task) });
}

/** A generated store, made once per run and shared by the groups that only read it. */
function store(run: Run, bytes: number): GeneratedStore {
  const key = String(bytes);
  const existing = run.stores.get(key);
  if (existing) return existing;
  const path = join(run.tmp, "generated", `store-${sizeLabel(bytes)}.ndjson`);
  mkdirSync(dirname(path), { recursive: true });
  const start = performance.now();
  const made = generateStore(path, bytes);
  log(
    `generated ${path}: ${made.records.toLocaleString("en-US")} records in ${Math.round(performance.now() - start)} ms`,
  );
  run.stores.set(key, made);
  return made;
}

/** Copies a generated store into a directory of its own (backends keep sidecars beside it). */
function copyOf(run: Run, source: GeneratedStore, name: string): string {
  const dir = join(run.tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const path = join(dir, "store.ndjson");
  copyFileSync(source.path, path);
  return path;
}

/** Removes a copy made by {@link copyOf}, with whatever the backend put beside it. */
function removeCopy(path: string): void {
  rmSync(dirname(path), { recursive: true, force: true });
}

const APPEND_PLAN: Array<{
  subject: AppendSubject;
  backend?: BackendName;
  redis?: boolean;
  label: string;
}> = [
  { subject: "memory", backend: "memory", label: "memory backend" },
  { subject: "json-os", backend: "json", label: "json `os`" },
  { subject: "rotating-os", backend: "rotating", label: "rotating `os`" },
  { subject: "group-write", label: "baseline: group writer (1 write per batch)" },
  { subject: "write-per-record", label: "baseline: 1 write per record" },
  { subject: "pino", label: "baseline: pino (async sonic-boom)" },
  { subject: "json-fsync", backend: "json", label: "json `fsync`" },
  { subject: "rotating-fsync", backend: "rotating", label: "rotating `fsync`" },
  { subject: "group-fdatasync", label: "baseline: group commit (1 write + 1 fdatasync per batch)" },
  { subject: "fdatasync-per-record", label: "baseline: 1 write + 1 fdatasync per record" },
  { subject: "redis", backend: "redis", redis: true, label: "redis" },
  { subject: "ioredis-xadd", redis: true, label: "baseline: ioredis XADD, auto-pipelined" },
];

async function appendGroup(run: Run): Promise<void> {
  for (const writers of [1, 64]) {
    const wanted = run.config.subjects;
    const plans = APPEND_PLAN.filter((plan) => {
      if (wanted.length > 0 && !wanted.includes(plan.subject)) return false;
      const label = `${plan.label}, ${writers} writer${writers > 1 ? "s" : ""}`;
      if (plan.backend && run.available[plan.backend] !== true) {
        run.skipped.push(`${label}: ${run.available[plan.backend]}`);
        return false;
      }
      if (plan.redis && typeof run.redis === "string") {
        run.skipped.push(`${label}: ${run.redis}`);
        return false;
      }
      return true;
    });
    const samples = new Map<AppendSubject, number[]>();
    const rss = new Map<AppendSubject, number>();
    const bytes = new Map<AppendSubject, { bytes: number; records: number }>();
    const failed = new Set<AppendSubject>();
    // Repetitions are interleaved (round r of every subject, then round r + 1) so that load
    // from other work on the machine spreads over all subjects instead of skewing one.
    for (let rep = 0; rep < run.config.appendReps; rep++) {
      log(`append, ${writers} writer(s), round ${rep + 1} of ${run.config.appendReps}`);
      for (const plan of plans) {
        if (failed.has(plan.subject)) continue;
        try {
          const { result, peakRssMb } = await child<AppendResult>(run, {
            kind: "append",
            subject: plan.subject,
            writers,
            durationMs: run.config.appendMs,
            reps: 1,
            dir: join(run.tmp, `append-${plan.subject}`),
            redisUrl: typeof run.redis === "string" ? undefined : run.redis.url,
          });
          samples.set(plan.subject, [...(samples.get(plan.subject) ?? []), ...result.samples]);
          rss.set(plan.subject, Math.max(rss.get(plan.subject) ?? 0, peakRssMb));
          const total = bytes.get(plan.subject) ?? { bytes: 0, records: 0 };
          bytes.set(plan.subject, {
            bytes: total.bytes + result.bytes,
            records: total.records + result.records,
          });
        } catch (error) {
          failed.add(plan.subject);
          run.skipped.push(`${plan.label}, ${writers} writer(s): failed (${firstLine(error)})`);
        }
      }
    }
    for (const plan of plans) {
      const got = samples.get(plan.subject);
      if (!got || failed.has(plan.subject)) continue;
      const total = bytes.get(plan.subject);
      const avg = total && total.records > 0 && total.bytes > 0 ? total.bytes / total.records : 0;
      run.book.add(
        {
          id: `append.${plan.subject}.${writers}`,
          group: "1. Appending (records/s)",
          label: `${plan.label}, ${writers} writer${writers > 1 ? "s" : ""}`,
          unit: "rec/s",
          peakRssMb: rss.get(plan.subject),
          note: avg > 0 ? `${Math.round(avg)} B/record on disk` : undefined,
        },
        got,
      );
    }
  }
  const c = (a: string, b: string) => run.book.compare(a, b);
  for (const w of [1, 64]) {
    c(`append.json-os.${w}`, `append.group-write.${w}`);
    c(`append.rotating-os.${w}`, `append.json-os.${w}`);
    c(`append.pino.${w}`, `append.group-write.${w}`);
    c(`append.write-per-record.${w}`, `append.group-write.${w}`);
    c(`append.json-fsync.${w}`, `append.group-fdatasync.${w}`);
    c(`append.rotating-fsync.${w}`, `append.json-fsync.${w}`);
    c(`append.fdatasync-per-record.${w}`, `append.group-fdatasync.${w}`);
    c(`append.redis.${w}`, `append.ioredis-xadd.${w}`);
  }
  c("append.json-os.1", "append.write-per-record.1");
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

async function tailGroup(run: Run): Promise<void> {
  if (run.available.json !== true) {
    run.skipped.push(`tail reads: ${run.available.json}`);
    return;
  }
  for (const size of run.config.tailSizes) {
    const made = store(run, size);
    const label = sizeLabel(size);
    log(`tail read on ${label}`);
    const path = copyOf(run, made, `tail-${label}`);
    try {
      const { result } = await child<TailResult>(run, {
        kind: "tail",
        path,
        calls: run.config.tailCalls,
      });
      run.book.add(
        {
          id: `tail.${label}`,
          group: "2. Tail reads: listEvents({ limit: 100 }) on a json store",
          label: `${label} store (${made.records.toLocaleString("en-US")} records)`,
          unit: "ms",
          note: `p99 ${percentile(result.samples, 99).toFixed(3)} ms; open ${result.openMs.toFixed(1)} ms; first call ${result.firstCallMs.toFixed(2)} ms`,
        },
        result.samples,
      );
    } catch (error) {
      run.skipped.push(`tail read on ${label}: failed (${firstLine(error)})`);
    } finally {
      removeCopy(path);
    }
  }
}

async function bulkGroup(run: Run): Promise<void> {
  const clean = store(run, run.config.bulkSize);
  const label = sizeLabel(run.config.bulkSize);
  const samples: Record<BulkOp, number[]> = { plain: [], scan: [], recover: [], compact: [] };
  const rss: Record<BulkOp, number[]> = { plain: [], scan: [], recover: [], compact: [] };
  const details: Record<BulkOp, string> = { plain: "", scan: "", recover: "", compact: "" };
  const ops: BulkOp[] =
    run.available.json === true ? ["plain", "scan", "compact", "recover"] : ["plain"];
  if (run.available.json !== true)
    run.skipped.push(`scan/recovery/compaction: ${run.available.json}`);
  const failed = new Set<BulkOp>();
  // Every operation runs once; further repetitions (plain pass, scan, compaction: the
  // throughput targets) follow while the group's time budget lasts. Recovery is not a
  // throughput target (only its peak RSS is), so it runs once at full scale.
  const plan: Array<{ op: BulkOp; rep: number }> = ops.map((op) => ({ op, rep: 0 }));
  for (let rep = 1; rep < run.config.bulkReps; rep++) {
    for (const op of ops) {
      if (op !== "recover" || run.config.scale !== "full") plan.push({ op, rep });
    }
  }
  const started = performance.now();
  let cut = false;
  for (const { op, rep } of plan) {
    if (failed.has(op)) continue;
    if (rep > 0 && performance.now() - started > run.config.bulkBudgetMs) {
      cut = true;
      continue;
    }
    log(`bulk ${op} of ${label}, repetition ${rep + 1}`);
    let path = clean.path;
    if (op === "compact") path = copyOf(run, clean, "bulk-compact");
    if (op === "recover") {
      path = copyOf(run, clean, "bulk-recover");
      corruptLineAt(path, 0.5);
    }
    try {
      const { result, peakRssMb } = await child<BulkResult>(run, {
        kind: "bulk",
        op,
        path,
        keepRecords: op === "compact" ? Math.floor(clean.records * 0.9) : undefined,
      });
      samples[op].push(result.bytes / MB / (result.ms / 1000));
      rss[op].push(peakRssMb);
      details[op] = `${result.records.toLocaleString("en-US")} records; ${result.detail}`;
    } catch (error) {
      failed.add(op);
      run.skipped.push(`bulk ${op} of ${label}: failed (${firstLine(error)})`);
    } finally {
      if (path !== clean.path) removeCopy(path);
    }
  }
  if (cut) {
    run.notes.push(
      `Scan/recovery/compaction repetitions were cut when the group's ${Math.round(run.config.bulkBudgetMs / 60_000)} min budget was spent (slow or loaded machine); the sample counts say how many ran.`,
    );
  }
  const names: Record<BulkOp, string> = {
    plain: "baseline: plain pass (1 MiB chunks, split, JSON.parse)",
    scan: "json scan()",
    compact: "json compact() (retention drops the oldest 10%)",
    recover: "json recover({ mode: repair }) (one corrupted line half-way)",
  };
  for (const op of ops) {
    if (samples[op].length === 0) continue;
    run.book.add(
      {
        id: `bulk.${op}`,
        group: `3. Scan, recovery, compaction of a ${label} store (MB/s of store size, page cache warm)`,
        label: names[op],
        unit: "MB/s",
        peakRssMb: Math.max(...rss[op]),
        note: details[op],
      },
      samples[op],
    );
  }
  for (const op of ["scan", "compact", "recover"]) run.book.compare(`bulk.${op}`, "bulk.plain");
}

async function startupGroup(run: Run): Promise<void> {
  if (run.available.json !== true) {
    run.skipped.push(`startup checks: ${run.available.json}`);
    return;
  }
  for (const size of run.config.tailSizes) {
    const made = store(run, size);
    const label = sizeLabel(size);
    log(`startup checks on ${label}`);
    const path = copyOf(run, made, `startup-${label}`);
    try {
      const { result } = await child<StartupResult>(run, {
        kind: "startup",
        path,
        reps: run.config.startupReps,
        appendBytes: MB,
        // The full verification scan is the same work as the bulk scan; skip it on 1 GB.
        verifyFull: size <= 256 * MB,
      });
      const group = "4. Startup check (fail_on_anomaly) on a json store";
      run.book.add(
        {
          id: `startup.${label}.never`,
          group,
          label: `${label}: never checked before`,
          unit: "ms",
          note: `incremental: ${result.neverCheckedIncremental}; bytes checked: ${result.neverCheckedBytes ?? "?"}`,
        },
        [result.neverCheckedMs],
      );
      const incremental = result.afterAppendIncremental.every(Boolean);
      const bytesChecked = result.afterAppendBytes.map((b) =>
        b === null ? "?" : `${Math.round(b / 1024)} KiB`,
      );
      run.book.add(
        {
          id: `startup.${label}.after`,
          group,
          label: `${label}: checked clean, then 1 MB appended`,
          unit: "ms",
          note: `incremental: ${incremental}; checked ${bytesChecked.join(", ")}; reopen ${percentile(result.afterAppendOpenMs, 50).toFixed(1)} ms`,
        },
        result.afterAppendMs,
      );
      const full = result.fullScan;
      const expected = made.records + result.appendedRecords;
      run.facts[`startup.${label}.incremental`] = incremental;
      run.facts[`startup.${label}.bytesChecked`] = bytesChecked.join(", ");
      if (full) {
        run.facts.fullScanVerifiesAll =
          !full.incremental &&
          full.records === expected &&
          (full.bytes === null || full.bytes === full.fileBytes);
        run.facts.fullScanDetail = `${label} store after the incremental checks: full scan covered ${full.records.toLocaleString("en-US")} of ${expected.toLocaleString("en-US")} records, ${full.bytes ?? "?"} of ${full.fileBytes} bytes (incremental: ${full.incremental})`;
      }
    } catch (error) {
      run.skipped.push(`startup checks on ${label}: failed (${firstLine(error)})`);
    } finally {
      removeCopy(path);
    }
  }
}

async function redisGroup(run: Run): Promise<void> {
  if (typeof run.redis === "string") {
    run.skipped.push(`redis stream workloads: ${run.redis}`);
    return;
  }
  if (run.available.redis !== true) {
    run.skipped.push(`redis stream workloads: ${run.available.redis}`);
    return;
  }
  const url = run.redis.url;
  const prefix = "big";
  const entries = run.config.redisEntries;
  const group = `5. Redis: a stream of ${entries.toLocaleString("en-US")} entries`;
  try {
    log(`redis fill of ${entries} entries`);
    const fill = await child<BulkResult>(run, { kind: "redis-fill", url, prefix, entries });
    run.book.add(
      {
        id: "redis.fill",
        group,
        label: "fill by pipelined XADD (setup, for scale)",
        unit: "rec/s",
        note: `${fill.result.records.toLocaleString("en-US")} entries; ${fill.result.detail}`,
      },
      [(fill.result.records * 1000) / fill.result.ms],
    );
    log("redis list of 100");
    const list = await child<TailResult>(run, {
      kind: "redis-list",
      url,
      prefix,
      calls: run.config.tailCalls,
    });
    run.book.add(
      {
        id: "redis.list100",
        group,
        label: "listEvents({ limit: 100 })",
        unit: "ms",
        note: `p99 ${percentile(list.result.samples, 99).toFixed(3)} ms; first call ${list.result.firstCallMs.toFixed(2)} ms`,
      },
      list.result.samples,
    );
    for (const raw of [true, false]) {
      log(`redis ${raw ? "raw XRANGE pass" : "scan()"}`);
      const scanSamples: number[] = [];
      let peak = 0;
      let detail = "";
      for (let rep = 0; rep < Math.max(1, run.config.bulkReps - 1); rep++) {
        const scan = await child<BulkResult>(run, { kind: "redis-scan", url, prefix, raw });
        scanSamples.push((scan.result.records * 1000) / scan.result.ms);
        peak = Math.max(peak, scan.peakRssMb);
        detail = `${scan.result.records.toLocaleString("en-US")} records; ${scan.result.detail}`;
      }
      run.book.add(
        {
          id: raw ? "redis.scan-raw" : "redis.scan",
          group,
          label: raw ? "baseline: XRANGE pages of 1000 + JSON.parse" : "scan() of every entry",
          unit: "rec/s",
          peakRssMb: peak,
          note: detail,
        },
        scanSamples,
      );
    }
    run.book.compare("redis.scan", "redis.scan-raw");
  } catch (error) {
    run.skipped.push(`redis stream workloads: failed (${firstLine(error)})`);
  }
}

async function cliGroup(run: Run): Promise<void> {
  const bin = papyraBin();
  const group = "6. CLI as whole processes";
  log("cli");
  const node = timeProcess(["-e", "0"], run.config.cliRuns, run.tmp);
  run.book.add({ id: "cli.node", group, label: "baseline: `node -e 0`", unit: "ms" }, node.samples);
  if (typeof bin !== "string") {
    run.skipped.push(`CLI: ${bin.missing}`);
    return;
  }
  const small = generateStore(join(run.tmp, "small.ndjson"), 256 * 1024, { seed: 3 });
  const version = timeProcess([bin, "--version"], run.config.cliRuns, run.tmp);
  run.book.add(
    {
      id: "cli.version",
      group,
      label: "`papyra --version`",
      unit: "ms",
      note: `exit ${[...new Set(version.exitCodes)].join("/")}; printed ${JSON.stringify(version.stdout.trim().slice(0, 40))}`,
    },
    version.samples,
  );
  const scan = timeProcess(
    [bin, "persistence", "scan", "--path", small.path],
    run.config.cliRuns,
    run.tmp,
  );
  run.book.add(
    {
      id: "cli.scan",
      group,
      label: `\`papyra persistence scan --path small.ndjson\` (${small.records} records, 256 KiB)`,
      unit: "ms",
      note: `exit ${[...new Set(scan.exitCodes)].join("/")}`,
    },
    scan.samples,
  );
  run.book.compare("cli.version", "cli.node");
  run.book.compare("cli.scan", "cli.node");
}

const GROUP_RUNNERS: Record<Group, (run: Run) => Promise<void>> = {
  append: appendGroup,
  tail: tailGroup,
  bulk: bulkGroup,
  startup: startupGroup,
  redis: redisGroup,
  cli: cliGroup,
  otel: (run) => otelGroup(run, log),
  export: (run) => exportGroup(run, log),
  xstate: (run) => xstateGroup(run, log),
};

function neededBytes(config: BenchConfig): number {
  const tails = config.tailSizes.reduce((sum, size) => sum + 2 * size, 0);
  return tails + 4 * config.bulkSize + 512 * MB;
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2));
  const started = new Date();
  const tmp = mkdtempSync(join(process.env.PAPYRA_BENCH_TMP ?? tmpdir(), "papyra-bench-"));
  const stats = statfsSync(tmp);
  const free = stats.bavail * stats.bsize;
  if (free < neededBytes(config)) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `not enough free disk at ${tmp}: ${Math.round(free / MB)} MB free, ${Math.round(neededBytes(config) / MB)} MB needed (use --quick or PAPYRA_BENCH_TMP)`,
    );
  }
  const available = {} as Record<BackendName, string | true>;
  for (const name of Object.keys(BACKENDS) as BackendName[]) {
    const loaded = await loadBackend(name);
    available[name] = typeof loaded === "string" ? loaded : true;
  }
  const needsRedis = config.groups.includes("append") || config.groups.includes("redis");
  let redis: RedisServer | string = "redis not needed";
  if (needsRedis) {
    try {
      redis = await RedisServer.start();
    } catch (error) {
      redis = firstLine(error);
    }
  }
  const run: Run = {
    config,
    tmp,
    book: new FigureBook(),
    facts: {},
    skipped: [],
    notes: [],
    load: {},
    available,
    redis,
    stores: new Map(),
  };
  const cleanup = async (): Promise<void> => {
    rmSync(tmp, { recursive: true, force: true });
    if (typeof run.redis !== "string") await run.redis.stop();
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });
  const machine = machineInfo(tmp);
  log(`scale ${config.scale}, groups ${config.groups.join(",")}, tmp ${tmp}`);
  try {
    for (const group of config.groups) {
      run.load[group] = currentLoad();
      await GROUP_RUNNERS[group](run);
    }
  } finally {
    await cleanup();
  }
  const finished = new Date();
  const largest = sizeLabel(Math.max(...config.tailSizes));
  run.notes.push(
    "Stores are generated directly as NDJSON lines (150–250 bytes each, fixed seed) and read from the page cache; figures are CPU-bound, not disk-bound, except the fdatasync ones.",
    "Append figures run for a fixed time per repetition (each from an empty store, after one warmup); 64 writers means 64 async loops each awaiting its own record.",
    "pino has no per-record promise: its writers yield one event-loop turn per record and the time includes the final flush.",
    "The machine is shared: other work running at the same time adds noise (see the load averages above).",
  );
  const results: BenchResults = {
    command: [
      "pnpm --filter @papyra/bench bench",
      ...process.argv.slice(2).filter((a) => a !== "--"),
    ].join(" "),
    scale: config.scale,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    machine,
    load: run.load,
    figures: run.book.figures,
    targets: evaluateTargets(run.book, run.facts, largest),
    skipped: run.skipped,
    notes: run.notes,
  };
  const paths = writeReport(RESULTS_DIR, config.outName, results);
  log(`wrote ${paths.join(" and ")}`);
  if (config.outName === "latest" && config.groups.length === GROUPS.length) {
    const readme = fileURLToPath(new URL("../README.md", import.meta.url));
    if (updateReadme(readme, results)) log(`updated the results section of ${readme}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
