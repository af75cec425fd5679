import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchResults, Figure } from "./results.js";

function formatNumber(value: number, unit: Figure["unit"]): string {
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "rec/s" || unit === "events/s") return Math.round(value).toLocaleString("en-US");
  if (unit === "ms") return value < 10 ? value.toFixed(3) : value.toFixed(1);
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US");
}

function figureRow(figure: Figure): string {
  const median = `${formatNumber(figure.median, figure.unit)} ${figure.unit}`;
  const range =
    figure.n > 1
      ? `${formatNumber(figure.min, figure.unit)} – ${formatNumber(figure.max, figure.unit)}`
      : "(1 run)";
  const ratio = figure.ratio ? `${figure.ratio.value.toFixed(2)}× ${figure.ratio.to}` : "";
  const rss = figure.peakRssMb !== undefined ? `${Math.round(figure.peakRssMb)} MB` : "";
  return `| ${figure.label} | ${median} | ${range} | ${figure.n} | ${ratio} | ${rss} | ${figure.note ?? ""} |`;
}

/** The targets table alone (for the README's Performance section). */
export function renderTargets(results: BenchResults): string {
  const lines = ["| Target | Measured | Required | Met |", "|---|---|---|---|"];
  for (const t of results.targets) {
    const met = t.met === null ? "not measured" : t.met ? "met" : "**not met**";
    lines.push(`| ${t.target} | ${t.measured} | ${t.required} | ${met} |`);
  }
  return lines.join("\n");
}

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/**
 * Replaces the text between the results markers of a README with this run's summary: the
 * command, the machine, the targets table and a pointer to the full report.
 */
export function updateReadme(readmePath: string, results: BenchResults): boolean {
  if (!existsSync(readmePath)) return false;
  const text = readFileSync(readmePath, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) return false;
  const m = results.machine;
  const block = [
    START,
    "",
    `Latest full run: \`${results.command}\`, ${results.startedAt.slice(0, 16).replace("T", " ")} UTC, ${Math.round(results.durationSeconds / 60)} min, on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}, ${m.os}. All tables: [results/latest.md](results/latest.md).`,
    "",
    renderTargets(results),
    "",
    END,
  ].join("\n");
  writeFileSync(readmePath, text.slice(0, start) + block + text.slice(end + END.length));
  return true;
}

/** The markdown report: machine, targets, then one table per workload group. */
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(`# Papyra benchmark (${results.scale})`, "");
  lines.push(`Command: \`${results.command}\``, "");
  lines.push(
    `Run: ${results.startedAt} → ${results.finishedAt} (${Math.round(results.durationSeconds)} s)`,
    "",
  );
  lines.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; Node ${m.node}; ${m.os}; disk ${m.disk}. ` +
      `Load average (1 min) before each group: ${Object.entries(results.load)
        .map(([group, load]) => `${group} ${load}`)
        .join(", ")}.`,
    "",
  );
  lines.push(
    "Each figure is the median of its samples with their min – max. Rates are records per " +
      "second; ratios are this figure's median over the named baseline's median, measured in the same run.",
    "",
  );
  lines.push("## Targets (issue 6)", "", renderTargets(results), "");
  const groups = [...new Set(results.figures.map((f) => f.group))];
  for (const group of groups) {
    lines.push(`## ${group}`, "");
    lines.push(
      "| Workload | Median | Min – max | Samples | Ratio | Peak RSS | Note |",
      "|---|---:|---:|---:|---|---:|---|",
    );
    for (const figure of results.figures.filter((f) => f.group === group)) {
      lines.push(figureRow(figure));
    }
    lines.push("");
  }
  if (results.skipped.length > 0) {
    lines.push("## Not measured", "");
    for (const s of results.skipped) lines.push(`- ${s}`);
    lines.push("");
  }
  if (results.notes.length > 0) {
    lines.push("## Notes", "");
    for (const n of results.notes) lines.push(`- ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}

/** Writes `<name>.md` and `<name>.json` into the results directory; returns the paths. */
export function writeReport(dir: string, name: string, results: BenchResults): string[] {
  mkdirSync(dir, { recursive: true });
  const md = join(dir, `${name}.md`);
  const json = join(dir, `${name}.json`);
  writeFileSync(md, renderMarkdown(results));
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  return [md, json];
}
