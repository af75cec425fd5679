import { createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { finished } from "node:stream/promises";
import {
  type IterateQuery,
  iterateRecords,
  PapyraUsageError,
  RECORD_KINDS,
  type RecordKind,
} from "@papyra/core";
import { type CliContext, type CommandResult, withStore } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { type LineSink, LineWriter, OutputClosedError } from "../output/line-writer.js";
import { parseTimeInput } from "../time-input.js";
import { type ProgressLine, progressLine } from "./stream-progress.js";

/** How many records of each kind an export wrote. */
type Counts = Record<RecordKind, number>;

function parseKinds(raw: unknown): RecordKind[] {
  if (raw === undefined) return [...RECORD_KINDS];
  const values = (Array.isArray(raw) ? raw : [raw]).map(String);
  for (const value of values) {
    if (!(RECORD_KINDS as readonly string[]).includes(value)) {
      throw new PapyraUsageError(
        `--kind ${JSON.stringify(value)}: expected one of ${RECORD_KINDS.join(", ")}`,
      );
    }
  }
  return RECORD_KINDS.filter((kind) => values.includes(kind));
}

function lastString(raw: unknown): string | undefined {
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return value === undefined ? undefined : String(value);
}

/** The export's query from its flags (usage errors for bad kinds and times). */
function exportQuery(args: Record<string, unknown>): IterateQuery & { kinds: RecordKind[] } {
  const now = Date.now() / 1000;
  const sinceRaw = lastString(args.since);
  const untilRaw = lastString(args.until);
  const since = sinceRaw === undefined ? undefined : parseTimeInput("--since", sinceRaw, now);
  const until = untilRaw === undefined ? undefined : parseTimeInput("--until", untilRaw, now);
  if (since !== undefined && until !== undefined && since > until) {
    throw new PapyraUsageError("--since must not be after --until");
  }
  const query: IterateQuery & { kinds: RecordKind[] } = { kinds: parseKinds(args.kind) };
  if (since !== undefined) query.since = since;
  if (until !== undefined) query.until = until;
  return query;
}

/** Writes every selected record's stored line (kind included) to `writer`; returns the counts. */
async function writeRecords(
  records: AsyncIterable<{ kind: RecordKind; line: string }>,
  writer: LineWriter,
  progress: ProgressLine | undefined,
): Promise<Counts> {
  const counts: Counts = { event: 0, audit: 0, dead_letter: 0 };
  let total = 0;
  for await (const item of records) {
    await writer.line(item.line);
    counts[item.kind] += 1;
    total += 1;
    progress?.update(total);
  }
  await writer.flush();
  progress?.done();
  return counts;
}

function describeCounts(counts: Counts): string {
  const total = counts.event + counts.audit + counts.dead_letter;
  return `${total} records (events ${counts.event}, audits ${counts.audit}, dead letters ${counts.dead_letter})`;
}

/**
 * `papyra export`: every selected record as NDJSON, one stored line per record (`kind`
 * included, bytes as stored), streamed in bounded memory. To stdout, or to `--output FILE`,
 * written beside it under a temporary name and renamed into place once complete, so FILE is
 * never half written.
 */
export async function exportCommand(
  context: CliContext,
  args: Record<string, unknown>,
): Promise<CommandResult> {
  const query = exportQuery(args);
  const output = lastString(args.output);
  if (output === undefined && context.out.json) {
    throw new PapyraUsageError("export writes NDJSON to stdout; with --json, give --output FILE");
  }
  return withStore(context, args, async ({ backend, info }) => {
    const records = iterateRecords(backend, query);
    // Records on the terminal itself would be torn by a progress line: only with --output.
    const progress =
      output === undefined ? undefined : progressLine(context.out, "export", "records");
    if (output === undefined) {
      let counts: Counts;
      try {
        counts = await writeRecords(records, new LineWriter(context.out.stdout), progress);
      } catch (error) {
        if (error instanceof OutputClosedError) {
          return { exitCode: ExitCode.ok, data: {}, print() {}, streamed: true };
        }
        throw error;
      }
      context.out.diag(`papyra: exported ${describeCounts(counts)}`);
      return { exitCode: ExitCode.ok, data: {}, print() {}, streamed: true };
    }
    const target = resolve(context.cwd, output);
    const temp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
    const file = createWriteStream(temp, { flags: "wx" });
    let counts: Counts;
    try {
      counts = await writeRecords(records, new LineWriter(file as unknown as LineSink), progress);
      file.end();
      await finished(file);
      await rename(temp, target);
    } catch (error) {
      file.destroy();
      await unlink(temp).catch(() => {});
      throw error;
    }
    const total = counts.event + counts.audit + counts.dead_letter;
    return {
      exitCode: ExitCode.ok,
      data: { store: info, output: target, records: total, counts },
      print(out) {
        out.line(`Exported ${describeCounts(counts)} to ${target}.`);
      },
    };
  });
}
