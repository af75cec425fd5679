import {
  type IterateQuery,
  PapyraUsageError,
  PersistenceUnsupportedError,
  type RecordKind,
  type RecordStreaming,
  type StoredRecordByKind,
  streamingCapabilities,
} from "@papyra/core";
import type { CliContext, CommandResult, OpenStore } from "../context.js";
import { ExitCode, exitCodeFor } from "../exit-codes.js";
import { LineWriter, OutputClosedError } from "../output/line-writer.js";
import type { Output } from "../output/output.js";
import { LISTING_OUTPUTS } from "../stream-options.js";
import { installInterrupt } from "./interrupt.js";

/** What a listing is, for the streamed paths of `inspect events | audits | dead-letters`. */
export interface ListingPlan<K extends RecordKind> {
  kind: K;
  /** `inspect events`, for the JSON document. */
  command: string;
  /** The document's array field: `events`, `audits`, `dead_letters`. */
  field: string;
  limit: number | undefined;
  since: number | undefined;
  until: number | undefined;
  reverse: boolean;
  filter: ((record: StoredRecordByKind[K]) => boolean) | undefined;
  /** One record as a line of human output. */
  format(record: StoredRecordByKind[K], out: Output): string;
  /** What human output says when nothing matched. */
  empty: string;
}

type Mode = "text" | "json" | "ndjson";

/** The output mode: `--output`, else `--json`, else text. */
export function listingMode(args: Record<string, unknown>, json: boolean): Mode {
  const raw = args.output;
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined) return json ? "json" : "text";
  if ((LISTING_OUTPUTS as readonly unknown[]).includes(value)) return value as Mode;
  throw new PapyraUsageError(
    `--output ${JSON.stringify(value)}: expected one of ${LISTING_OUTPUTS.join(", ")}`,
  );
}

function streaming(backend: unknown): Partial<RecordStreaming> {
  return backend as Partial<RecordStreaming>;
}

/**
 * Runs a listing that streams: `--follow`, `--output ndjson`, or a whole listing (no `--limit`,
 * no `--reverse`) on a backend that can iterate, printed as it is read in bounded memory. Returns
 * null when the listing is better answered by `list*` (a limit is proportional to N there).
 */
export async function streamListing<K extends RecordKind>(
  context: CliContext,
  args: Record<string, unknown>,
  store: OpenStore,
  plan: ListingPlan<K>,
): Promise<CommandResult | null> {
  const mode = listingMode(args, context.out.json);
  if (args.follow === true) return follow(context, store, plan, mode);
  const canIterate = streamingCapabilities(store.backend).iterate;
  const whole = plan.limit === undefined && !plan.reverse && canIterate;
  if (!whole && mode !== "ndjson") return null;
  const records = whole ? iterated(store, plan) : listed(store, plan);
  const writer = new LineWriter(context.out.stdout);
  if (mode === "ndjson") {
    return write(async () => {
      for await (const record of records) await writer.line(JSON.stringify(record));
      await writer.flush();
    });
  }
  if (mode === "text") {
    return write(async () => {
      let count = 0;
      for await (const record of records) {
        count += 1;
        await writer.line(plan.format(record, context.out));
      }
      if (count === 0) await writer.line(plan.empty);
      await writer.flush();
    });
  }
  return streamDocument(context, store, plan, records, writer);
}

/** The whole selection through the backend's `iterate`, filtered, oldest first. */
async function* iterated<K extends RecordKind>(
  store: OpenStore,
  plan: ListingPlan<K>,
): AsyncGenerator<StoredRecordByKind[K]> {
  const query: IterateQuery = { kinds: [plan.kind] };
  if (plan.since !== undefined) query.since = plan.since;
  if (plan.until !== undefined) query.until = plan.until;
  const backend = streaming(store.backend) as RecordStreaming;
  for await (const item of backend.iterate(query)) {
    const record = item.record as StoredRecordByKind[K];
    if (!plan.filter || plan.filter(record)) yield record;
  }
}

/** A listing answered by `list*` (a limit or `--reverse`), yielded one by one. */
async function* listed<K extends RecordKind>(
  store: OpenStore,
  plan: ListingPlan<K>,
): AsyncGenerator<StoredRecordByKind[K]> {
  const { listFiltered } = await import("./inspect.js");
  const list = {
    event: (q: object) => store.backend.listEvents(q),
    audit: (q: object) => store.backend.listAudits(q),
    dead_letter: (q: object) => store.backend.listDeadLetters(q),
  }[plan.kind] as (q: object) => Promise<StoredRecordByKind[K][]>;
  yield* await listFiltered(list, plan, plan.filter);
}

/** Runs a streamed write; a reader that went away (`| head`) is a clean end. */
async function write(body: () => Promise<void>): Promise<CommandResult> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof OutputClosedError)) throw error;
  }
  return streamedResult(ExitCode.ok);
}

function streamedResult(exitCode: ExitCode): CommandResult {
  return { exitCode, data: {}, print() {}, streamed: true };
}

function indent(json: string, by: string): string {
  return json.replaceAll("\n", `\n${by}`);
}

/**
 * The listing's one JSON document, written as the records are read: the array first, then
 * `count`, `ok` and `exit_code`, so an error half way still ends a valid document (with `ok`
 * false and the error), and the document never has to be held whole.
 */
async function streamDocument<K extends RecordKind>(
  context: CliContext,
  store: OpenStore,
  plan: ListingPlan<K>,
  records: AsyncIterable<StoredRecordByKind[K]>,
  writer: LineWriter,
): Promise<CommandResult> {
  const head = { command: plan.command, store: store.info };
  const opening = JSON.stringify(head, null, 2).slice(0, -2);
  let count = 0;
  let failure: unknown = null;
  try {
    await writer.line(`${opening},\n  ${JSON.stringify(plan.field)}: [`);
    // Each item is written once the next one (or the end) shows whether it needs a comma.
    let previous: string | null = null;
    try {
      for await (const record of records) {
        if (previous !== null) await writer.line(`${previous},`);
        previous = `    ${indent(JSON.stringify(record, null, 2), "    ")}`;
        count += 1;
      }
    } catch (error) {
      if (error instanceof OutputClosedError) throw error;
      failure = error;
    }
    if (previous !== null) await writer.line(previous);
    const exitCode = failure === null ? ExitCode.ok : exitCodeFor(failure);
    const tail: Record<string, unknown> = { count, ok: failure === null, exit_code: exitCode };
    if (failure !== null) {
      const e = failure as { code?: unknown; message?: unknown };
      tail.error = {
        code: typeof e.code === "string" ? e.code : "INTERNAL",
        message: typeof e.message === "string" ? e.message : String(failure),
      };
      context.out.diag(`papyra: ${String(e.message ?? failure)}`);
    }
    await writer.line(`  ],\n${JSON.stringify(tail, null, 2).slice(2, -2)}\n}`);
    await writer.flush();
    return streamedResult(exitCode);
  } catch (error) {
    if (error instanceof OutputClosedError) return streamedResult(ExitCode.ok);
    throw error;
  }
}

/**
 * `--follow`: the backlog (per `--limit`), then each record as it is appended, each line
 * flushed, until SIGINT (exit 130) or SIGTERM (exit 0); everything opened is closed.
 */
async function follow<K extends RecordKind>(
  context: CliContext,
  store: OpenStore,
  plan: ListingPlan<K>,
  mode: Mode,
): Promise<CommandResult> {
  if (plan.until !== undefined) throw new PapyraUsageError("--until cannot be used with --follow");
  if (plan.reverse) throw new PapyraUsageError("--reverse cannot be used with --follow");
  const backend = streaming(store.backend);
  if (typeof backend.follow !== "function") {
    throw new PersistenceUnsupportedError(store.info.backend, "--follow (it has no follow method)");
  }
  const interrupt = installInterrupt();
  const writer = new LineWriter(context.out.stdout);
  try {
    const records = backend.follow(plan.kind, {
      signal: interrupt.signal,
      ...(plan.limit === undefined ? {} : { limit: plan.limit }),
      ...(plan.since === undefined ? {} : { since: plan.since }),
      ...(plan.filter ? { accept: plan.filter } : {}),
    });
    for await (const record of records) {
      await writer.line(
        mode === "text" ? plan.format(record, context.out) : JSON.stringify(record),
      );
      await writer.flush();
    }
  } catch (error) {
    if (!(error instanceof OutputClosedError) && !interrupt.signal.aborted) throw error;
  } finally {
    interrupt.dispose();
  }
  return streamedResult(interrupt.received() === "SIGINT" ? ExitCode.interrupted : ExitCode.ok);
}
