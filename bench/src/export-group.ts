import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchConfig } from "./config.js";
import type { FigureBook } from "./results.js";
import { generateStore } from "./store-files.js";
import { papyraBin } from "./workloads/cli.js";

/** What the export group needs of a run. */
export interface ExportRun {
  config: BenchConfig;
  tmp: string;
  book: FigureBook;
  skipped: string[];
  notes: string[];
}

const MB = 1024 * 1024;

/** Preloaded into each measured process: writes its peak RSS (KiB) where the bench reads it. */
const RSS_PROBE = `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(process.env.PAPYRA_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));
`;

interface Measured {
  ms: number;
  rssMb: number;
  code: number;
}

/** Runs `node ...args` once, output to /dev/null, timing it and reading its peak RSS. */
function measure(args: string[], dir: string, probe: string): Measured {
  const rssFile = join(dir, "rss.txt");
  rmSync(rssFile, { force: true });
  const start = performance.now();
  const result = spawnSync(process.execPath, ["--import", probe, ...args], {
    cwd: dir,
    stdio: "ignore",
    env: { ...process.env, NO_COLOR: "1", PAPYRA_BENCH_RSS_FILE: rssFile },
  });
  const ms = performance.now() - start;
  if (result.error) throw result.error;
  const rssKb = Number(readFileSync(rssFile, "utf8"));
  return { ms, rssMb: rssKb / 1024, code: result.status ?? -1 };
}

/**
 * Group `export`: a generated JSON store of the bulk size (50 MB quick, 1 GB full) exported
 * by `papyra export --output`, and listed whole by `inspect events --output ndjson` and
 * `--json` (streamed), each a whole CLI process whose peak RSS is reported; the baseline is
 * Node copying the file with streams (the least any streamed export costs). Issue 15's target:
 * a 1 GB store exports in under 128 MB RSS.
 */
export async function exportGroup(run: ExportRun, log: (message: string) => void): Promise<void> {
  const bin = papyraBin();
  if (typeof bin !== "string") {
    run.skipped.push(`Export: ${bin.missing}`);
    return;
  }
  const dir = join(run.tmp, "export");
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, "rss-probe.mjs");
  writeFileSync(probe, RSS_PROBE);
  const store = generateStore(join(dir, "store.ndjson"), run.config.bulkSize, { seed: 11 });
  const sizeMb = store.bytes / MB;
  const label = sizeMb >= 1024 ? `${(sizeMb / 1024).toFixed(1)} GB` : `${Math.round(sizeMb)} MB`;
  log(`export: ${label} store, ${store.records.toLocaleString("en-US")} records`);
  const group = `8. Export and streamed listings of a ${label} json store (whole CLI processes, peak RSS)`;
  const reps = run.config.scale === "quick" ? 2 : 3;
  const subjects = [
    {
      id: "export.copy",
      label: "baseline: node copies the file with streams",
      args: [
        "-e",
        `require("node:stream").pipeline(require("node:fs").createReadStream(${JSON.stringify(store.path)}), require("node:fs").createWriteStream("copy.ndjson"), () => {})`,
      ],
    },
    {
      id: "export.export",
      label: "`papyra export --output out.ndjson`",
      args: [bin, "export", "--path", store.path, "--output", "out.ndjson"],
    },
    {
      id: "export.ndjson",
      label: "`papyra inspect events --output ndjson`",
      args: [bin, "inspect", "events", "--path", store.path, "--output", "ndjson"],
    },
    {
      id: "export.json",
      label: "`papyra inspect events --json` (streamed document)",
      args: [bin, "inspect", "events", "--path", store.path, "--json"],
    },
  ];
  for (const subject of subjects) {
    const runs: Measured[] = [];
    for (let i = 0; i < reps; i++) runs.push(measure(subject.args, dir, probe));
    const peak = Math.max(...runs.map((r) => r.rssMb));
    const codes = [...new Set(runs.map((r) => r.code))].join("/");
    run.book.add(
      {
        id: subject.id,
        group,
        label: subject.label,
        unit: "MB/s",
        peakRssMb: peak,
        note: `exit ${codes}; peak RSS ${peak.toFixed(0)} MB`,
      },
      runs.map((r) => sizeMb / (r.ms / 1000)),
    );
    run.book.add(
      { id: `${subject.id}.rss`, group, label: `${subject.label}: peak RSS`, unit: "MB" },
      runs.map((r) => r.rssMb),
    );
    rmSync(join(dir, "out.ndjson"), { force: true });
    rmSync(join(dir, "copy.ndjson"), { force: true });
  }
  for (const id of ["export.export", "export.ndjson", "export.json"]) {
    run.book.compare(id, "export.copy");
    run.book.compare(`${id}.rss`, "export.copy.rss");
  }
  const exportRss = run.book.get("export.export.rss")?.max;
  run.notes.push(
    `Export target (issue 15): a 1 GB store under 128 MB peak RSS; this run exported a ${label} store with a peak of ${exportRss?.toFixed(0) ?? "?"} MB.`,
  );
  rmSync(dir, { recursive: true, force: true });
}
