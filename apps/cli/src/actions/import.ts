import { resolve } from "node:path";
import {
  canAppendStoredLines,
  decodeLine,
  encodeRecord,
  PapyraUsageError,
  type PersistenceBackend,
  type RecordKind,
  type StoredRecordByKind,
} from "@papyra/core";
import type { CliContext, CommandResult } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { buildOptions, openSelectedStore, storeInfo } from "../store/select-store.js";
import {
  type ImportSources,
  MAX_IMPORT_LINE_BYTES,
  resolveSources,
  type SourceLine,
  sourceLines,
} from "./import-sources.js";
import { progressLine } from "./stream-progress.js";

/** Writes in flight at once: enough for group commit and pipelining, bounded memory. */
const MAX_PENDING_WRITES = 64;
/** Invalid lines named in the report (all are counted). */
const MAX_NAMED_INVALID = 100;

/** One line the import could not take. */
interface InvalidLine {
  file: string;
  line: number;
  detail: string;
}

/** What an import did. */
interface ImportReport {
  lines: number;
  imported: number;
  blank: number;
  /**
   * Records `record*` cannot write exactly (a Python store's `NaN` / `Infinity`, a target that
   * is an actor-reference object), carried over as their stored line, byte for byte.
   */
  verbatim: number;
  /** Records of kinds this version does not know: valid, but `record*` cannot write them. */
  skipped_unknown_kind: number;
  invalid_count: number;
  invalid: InvalidLine[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

type Classified =
  | { type: "blank" }
  | { type: "unknown_kind" }
  | { type: "invalid"; detail: string }
  | { type: "record"; kind: RecordKind; record: StoredRecordByKind[RecordKind]; text: string };

/** Reads one line liberally (any Papyra or Python writer's line is a record). */
function classify(source: SourceLine): Classified {
  if (source.bytes === null) {
    return { type: "invalid", detail: `line is longer than ${MAX_IMPORT_LINE_BYTES} bytes` };
  }
  let text: string;
  try {
    text = utf8.decode(source.bytes);
  } catch {
    return { type: "invalid", detail: "line is not valid UTF-8" };
  }
  const decoded = decodeLine(text);
  switch (decoded.type) {
    case "blank":
    case "unknown_kind":
      return { type: decoded.type };
    case "invalid":
    case "corrupt":
      return { type: "invalid", detail: decoded.detail };
    case "record":
      return { type: "record", kind: decoded.kind, record: decoded.record, text };
  }
}

function isValidationError(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "PAPYRA_VALIDATION";
}

/** The reason `record*` would refuse the record, or null when it can write it exactly. */
function strictRefusal(kind: RecordKind, record: StoredRecordByKind[RecordKind]): string | null {
  try {
    encodeRecord(kind, record as never);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function writeRecord(
  backend: PersistenceBackend,
  kind: RecordKind,
  record: StoredRecordByKind[RecordKind],
): Promise<void> {
  if (kind === "event") return backend.recordEvent(record as never);
  if (kind === "audit") return backend.recordAudit(record as never);
  return backend.recordDeadLetter(record as never);
}

/**
 * Reads the sources line by line and stores each record, up to {@link MAX_PENDING_WRITES} at
 * once, in order: as its stored line, byte for byte, when the store can keep stored lines
 * (`appendStoredLine`, every built-in backend), else through `record*`, which refuses what it
 * cannot write exactly (read liberally, e.g. a Python store's `NaN`): an invalid line, named
 * with its reason. Records only a stored-line append can carry count as `verbatim`. Without a
 * backend (dry run) each record is only checked. A store failure stops the import
 * with an error saying how many records were already written.
 */
async function runImport(
  context: CliContext,
  sources: ImportSources,
  backend: PersistenceBackend | null,
): Promise<ImportReport> {
  const report: ImportReport = {
    lines: 0,
    imported: 0,
    blank: 0,
    verbatim: 0,
    skipped_unknown_kind: 0,
    invalid_count: 0,
    invalid: [],
  };
  const order = new Map(sources.files.map((file, index) => [file, index]));
  const addInvalid = (source: SourceLine, detail: string) => {
    report.invalid_count += 1;
    report.invalid.push({ file: source.file, line: source.line, detail });
    if (report.invalid.length > MAX_NAMED_INVALID * 2) {
      // Writes finish out of order: keep the first ones by position, a bounded list.
      report.invalid.sort(
        (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line,
      );
      report.invalid.length = MAX_NAMED_INVALID;
    }
  };
  const progress = progressLine(context.out, "import", "bytes");
  let bytesRead = 0;
  const pending = new Set<Promise<void>>();
  let failure: unknown = null;
  for await (const source of sourceLines(sources, process.stdin, (n) => {
    bytesRead += n;
    progress?.update(bytesRead, sources.totalBytes);
  })) {
    if (failure !== null) break;
    report.lines += 1;
    const item = classify(source);
    if (item.type === "blank") report.blank += 1;
    else if (item.type === "unknown_kind") report.skipped_unknown_kind += 1;
    else if (item.type === "invalid") addInvalid(source, item.detail);
    else {
      const refusal = strictRefusal(item.kind, item.record);
      const keepsLines = backend === null || canAppendStoredLines(backend);
      if (refusal !== null && !keepsLines) {
        addInvalid(source, refusal);
        continue;
      }
      if (backend === null) {
        report.imported += 1;
        if (refusal !== null) report.verbatim += 1;
        continue;
      }
      // A store that keeps stored lines gets every record byte for byte: nothing is lost
      // (integers beyond 2^53 included), whichever writer wrote it.
      const write: Promise<void> = (
        canAppendStoredLines(backend)
          ? backend.appendStoredLine(item.text)
          : writeRecord(backend, item.kind, item.record)
      )
        .then(
          () => {
            report.imported += 1;
            if (refusal !== null) report.verbatim += 1;
          },
          (error: unknown) => {
            if (isValidationError(error)) addInvalid(source, (error as Error).message);
            else failure ??= error;
          },
        )
        .finally(() => pending.delete(write));
      pending.add(write);
      if (pending.size >= MAX_PENDING_WRITES) await Promise.race(pending);
    }
  }
  await Promise.all(pending);
  progress?.done();
  report.invalid.sort(
    (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line,
  );
  report.invalid.length = Math.min(report.invalid.length, MAX_NAMED_INVALID);
  if (failure !== null) {
    const error = failure as Error;
    error.message = `${error.message} (import stopped: ${report.imported} records were written before the failure)`;
    throw error;
  }
  return report;
}

/**
 * `papyra import FILE|-`: records from an export, a Papyra or Python file store (a rotation set
 * is read whole, oldest first) or stdin, validated line by line and written into the selected
 * store, streamed. Exit 2 when any line was invalid (each named by file and line number);
 * `--dry-run` validates and writes nothing (the store is not opened).
 */
export async function importCommand(
  context: CliContext,
  args: Record<string, unknown>,
): Promise<CommandResult> {
  // yargs reads a lone `-` (stdin) as an empty positional.
  const file = args.file === undefined || args.file === "" ? "-" : String(args.file);
  const dryRun = args["dry-run"] === true;
  const sources = await resolveSources(file, context.cwd, args["single-file"] === true);
  const selection = await context.selection();
  const options = buildOptions(selection, args, context.storeFlags.path, context.env, context.cwd);
  const targetPath = (options as { path?: unknown }).path;
  if (typeof targetPath === "string") {
    const target = resolve(context.cwd, targetPath);
    if (sources.files.some((source) => source === target || source.startsWith(`${target}.`))) {
      throw new PapyraUsageError(
        `Cannot import ${file} into itself: choose another store (--path, --backend)`,
      );
    }
  }
  const backend = dryRun ? null : await openSelectedStore(selection, options, context.cwd, false);
  let report: ImportReport;
  try {
    report = await runImport(context, sources, backend);
  } finally {
    await backend?.close();
  }
  const exitCode = report.invalid_count > 0 ? ExitCode.anomaliesRemain : ExitCode.ok;
  const from = sources.stdin ? "stdin" : sources.files.join(", ");
  return {
    exitCode,
    data: {
      store: storeInfo(selection),
      source: sources.stdin ? "-" : sources.files,
      dry_run: dryRun,
      ...report,
    },
    print(out) {
      out.line(
        dryRun
          ? `Dry run: ${report.imported} records would be imported from ${from}; nothing was written.`
          : `Imported ${report.imported} records from ${from}.`,
      );
      if (report.verbatim > 0) {
        out.line(
          `${report.verbatim} of them kept as their stored line (values record* cannot write exactly, e.g. NaN or an actor-reference target).`,
        );
      }
      if (report.skipped_unknown_kind > 0) {
        out.line(
          `Skipped ${report.skipped_unknown_kind} records of kinds this version does not know.`,
        );
      }
      if (report.invalid_count === 0) return;
      out.line(out.paint("red", `Invalid lines: ${report.invalid_count} (not imported)`));
      for (const bad of report.invalid) out.line(`  ${bad.file}:${bad.line}: ${bad.detail}`);
      if (report.invalid_count > report.invalid.length) {
        out.line(`  ... and ${report.invalid_count - report.invalid.length} more`);
      }
    },
  };
}
