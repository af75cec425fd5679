import type { FigureBook, TargetResult } from "./results.js";

/** Facts that are not figures but decide a target (e.g. whether a check was incremental). */
export type Facts = Record<string, boolean | number | string | undefined>;

const fmtRatio = (value: number): string => `${value.toFixed(2)}×`;
const fmtMs = (value: number): string => `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;

/** Evaluates every target of issue 6 against this run's figures. */
export function evaluateTargets(book: FigureBook, facts: Facts, largest: string): TargetResult[] {
  const out: TargetResult[] = [];
  const ratio = (target: string, id: string, baseId: string, min: number): void => {
    const figure = book.get(id);
    const base = book.get(baseId);
    if (!figure || !base) {
      out.push({
        target,
        measured: `missing ${!figure ? id : baseId}`,
        required: `≥ ${min}×`,
        met: null,
      });
      return;
    }
    const value = figure.median / base.median;
    out.push({
      target,
      measured: `${fmtRatio(value)} (${Math.round(figure.median).toLocaleString("en-US")} vs ${Math.round(base.median).toLocaleString("en-US")} ${figure.unit})`,
      required: `≥ ${min}×`,
      met: value >= min,
    });
  };
  const below = (target: string, id: string, max: number, unit: "ms" | "MB", rss = false): void => {
    const figure = book.get(id);
    const value = rss ? figure?.peakRssMb : figure?.median;
    if (value === undefined) {
      out.push({ target, measured: `missing ${id}`, required: `< ${max} ${unit}`, met: null });
      return;
    }
    out.push({
      target,
      measured: unit === "ms" ? fmtMs(value) : `${Math.round(value)} MB`,
      required: `< ${max} ${unit}`,
      met: value < max,
    });
  };

  ratio("json `os`, 64 writers vs group writer", "append.json-os.64", "append.group-write.64", 0.7);
  ratio("json `os`, 64 writers vs pino", "append.json-os.64", "append.pino.64", 1.5);
  ratio(
    "json `os`, 1 writer vs one write per record",
    "append.json-os.1",
    "append.write-per-record.1",
    0.8,
  );
  ratio(
    "json `fsync`, 64 writers vs group commit",
    "append.json-fsync.64",
    "append.group-fdatasync.64",
    0.7,
  );
  // "One fdatasync per record" is the disk's rate for records made durable one at a time: the
  // single awaiting writer. The 64-writer per-record figure (up to four fdatasyncs overlap in
  // libuv's thread pool) is shown in the appending table for reference.
  ratio(
    "json `fsync`, 64 writers vs one fdatasync per record",
    "append.json-fsync.64",
    "append.fdatasync-per-record.1",
    10,
  );
  for (const [d, w] of [
    ["os", 1],
    ["os", 64],
    ["fsync", 1],
    ["fsync", 64],
  ] as const) {
    ratio(
      `rotating \`${d}\`, ${w} writer${w > 1 ? "s" : ""} vs json`,
      `append.rotating-${d}.${w}`,
      `append.json-${d}.${w}`,
      0.9,
    );
  }
  for (const size of ["10MB", "100MB", "1GB", "50MB"]) {
    if (book.get(`tail.${size}`)) below(`tail read of 100 on ${size}`, `tail.${size}`, 1, "ms");
  }
  const small = book.get("tail.10MB");
  const big = book.get(`tail.${largest}`);
  if (small && big) {
    const value = big.median / small.median;
    out.push({
      target: `tail read on ${largest} vs 10 MB`,
      measured: `${fmtRatio(value)} (${fmtMs(big.median)} vs ${fmtMs(small.median)})`,
      required: "≤ 2×",
      met: value <= 2,
    });
  } else {
    out.push({
      target: "tail read on the largest store vs 10 MB",
      measured: "missing",
      required: "≤ 2×",
      met: null,
    });
  }
  ratio("scan vs plain pass (MB/s)", "bulk.scan", "bulk.plain", 0.7);
  ratio("compaction vs plain pass (MB/s)", "bulk.compact", "bulk.plain", 0.7);
  below("scan peak RSS", "bulk.scan", 128, "MB", true);
  below("compaction peak RSS", "bulk.compact", 128, "MB", true);
  below("recovery peak RSS", "bulk.recover", 128, "MB", true);
  below(
    `startup check after clean check + 1 MB, ${largest} store`,
    `startup.${largest}.after`,
    50,
    "ms",
  );
  const incremental = facts[`startup.${largest}.incremental`];
  out.push({
    target: "that startup check is incremental (work proportional to what was appended)",
    measured:
      incremental === undefined
        ? "missing"
        : `incremental: ${incremental}, bytes checked: ${facts[`startup.${largest}.bytesChecked`] ?? "?"}`,
    required: "incremental, ≈ 1 MB checked",
    met: incremental === undefined ? null : incremental === true,
  });
  const full = facts.fullScanVerifiesAll;
  out.push({
    target: "a full scan afterwards still verifies everything",
    measured: full === undefined ? "missing" : String(facts.fullScanDetail ?? full),
    required: "every record scanned",
    met: full === undefined ? null : full === true,
  });
  ratio(
    "redis, 64 writers vs auto-pipelined ioredis XADD",
    "append.redis.64",
    "append.ioredis-xadd.64",
    0.9,
  );
  below("redis list of 100 from the big stream", "redis.list100", 2, "ms");
  below("redis full scan peak RSS (bounded memory)", "redis.scan", 128, "MB", true);
  // Issue 14: instrumentation costs under 5% of append throughput (paired rounds, see otel-group).
  const otel = facts.otelCpuRatio;
  out.push({
    target: "json `os`, 64 writers, instrumented by @papyra/opentelemetry vs not",
    measured:
      typeof otel === "number" ? `${fmtRatio(otel)} (${facts.otelDetail ?? ""})` : "missing",
    required: "≥ 0.95×",
    met: typeof otel === "number" ? otel >= 0.95 : null,
  });
  const model = facts.otelModelRatio;
  out.push({
    target: "the same from the measured costs (wrapper per call, SDK per collection)",
    measured:
      typeof model === "number" ? `${fmtRatio(model)} (${facts.otelModelDetail ?? ""})` : "missing",
    required: "≥ 0.95×",
    met: typeof model === "number" ? model >= 0.95 : null,
  });
  // Issue 13: an XState system inspected by @papyra/xstate keeps >= 0.8x of its events per second.
  const xstate = facts.xstateRatio;
  out.push({
    target: "XState system, inspected by @papyra/xstate (json `os`) vs bare, events/s",
    measured:
      typeof xstate === "number"
        ? `${fmtRatio(xstate)} (${facts.xstateDetail ?? ""}; ${facts.xstateHandlerDetail ?? ""})`
        : "missing",
    required: "≥ 0.8×",
    met: typeof xstate === "number" ? xstate >= 0.8 : null,
  });
  const xstateOwn = facts.xstateOwnRatio;
  out.push({
    target:
      "XState system, inspected by @papyra/xstate vs with an empty inspect callback (Papyra's own cost)",
    measured:
      typeof xstateOwn === "number"
        ? `${fmtRatio(xstateOwn)} (${facts.xstateOwnDetail ?? ""})`
        : "missing",
    required: "≥ 0.8×",
    met: typeof xstateOwn === "number" ? xstateOwn >= 0.8 : null,
  });
  const cliVersion = book.get("cli.version");
  const node = book.get("cli.node");
  if (cliVersion && node) {
    const value = cliVersion.median / node.median;
    out.push({
      target: "`papyra --version` vs `node -e 0`",
      measured: `${fmtRatio(value)} (${fmtMs(cliVersion.median)} vs ${fmtMs(node.median)})`,
      required: "≤ 3×",
      met: value <= 3,
    });
  } else {
    out.push({
      target: "`papyra --version` vs `node -e 0`",
      measured: "missing",
      required: "≤ 3×",
      met: null,
    });
  }
  return out;
}
