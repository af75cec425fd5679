import {
  addressOf,
  finishListing,
  formatAddress,
  type ListQuery,
  PapyraUsageError,
  type StoredActorEvent,
  type StoredAuditSnapshot,
  type StoredDeadLetter,
} from "@papyra/core";
import { type CliContext, type CommandResult, withStore } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import type { Output } from "../output/output.js";
import { formatTime, type TimeStyle, timeStyleOf } from "../output/timestamps.js";
import { parseCount, parseTimeInput } from "../time-input.js";
import { streamListing } from "./stream-listing.js";

/** A timestamp as human output prints it: ISO 8601 UTC by default (see `--time`). */
export function formatTimestamp(timestamp: number, style: TimeStyle = "utc"): string {
  return formatTime(timestamp, style);
}

/** Flags of the `inspect` listings. */
export interface ListingArgs {
  limit?: string;
  since?: string;
  until?: string;
  reverse?: boolean;
  "event-type"?: string[];
  "message-type"?: string[];
  target?: string[];
}

interface ParsedListing {
  limit: number | undefined;
  since: number | undefined;
  until: number | undefined;
  reverse: boolean;
}

function parseListing(args: ListingArgs): ParsedListing {
  const now = Date.now() / 1000;
  const since = args.since === undefined ? undefined : parseTimeInput("--since", args.since, now);
  const until = args.until === undefined ? undefined : parseTimeInput("--until", args.until, now);
  if (since !== undefined && until !== undefined && since > until) {
    throw new PapyraUsageError("--since must not be after --until");
  }
  const limit = args.limit === undefined ? undefined : parseCount("--limit", args.limit);
  return { limit, since, until, reverse: args.reverse === true };
}

/** The actor id part of a stored address, or undefined when it names no address. */
function actorId(stored: unknown): string | undefined {
  const address = addressOf(stored);
  if (address === null) return undefined;
  if (typeof address === "string") {
    const colon = address.indexOf(":");
    return colon === -1 ? address : address.slice(colon + 1);
  }
  return String(address.actor_id);
}

/**
 * True when a stored address (any JSON shape) matches `--target`: its printed form
 * (`system:actor_id`, the inner address of an actor reference, an integer's digits, `-` for
 * none), or the actor id alone.
 */
export function matchesTarget(address: unknown, targets: readonly string[]): boolean {
  const full = formatAddress(address);
  const id = actorId(address);
  return targets.some((t) => t === full || (id !== undefined && t === id));
}

/**
 * Lists with the time window in the backend, then filters, then applies limit and order, so
 * filters always apply before `--limit`. Without filters the backend answers `limit` itself.
 */
export async function listFiltered<T>(
  list: (query: ListQuery) => Promise<T[]>,
  parsed: ParsedListing,
  filter: ((record: T) => boolean) | undefined,
): Promise<T[]> {
  const window: ListQuery = {};
  if (parsed.since !== undefined) window.since = parsed.since;
  if (parsed.until !== undefined) window.until = parsed.until;
  if (!filter) {
    return list({
      ...window,
      reverse: parsed.reverse,
      ...(parsed.limit === undefined ? {} : { limit: parsed.limit }),
    });
  }
  const matches = (await list(window)).filter(filter);
  return finishListing(matches, { ...parsed, since: undefined, until: undefined });
}

function toList(value: string[] | string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** `inspect events`. */
export async function inspectEventsCommand(
  context: CliContext,
  args: ListingArgs & Record<string, unknown>,
): Promise<CommandResult> {
  const parsed = parseListing(args);
  const types = toList(args["event-type"]);
  const targets = toList(args.target);
  const filter =
    types || targets
      ? (event: StoredActorEvent) =>
          (!types || types.includes(event.event_type)) &&
          (!targets || matchesTarget(event.actor_address, targets))
      : undefined;
  const time = timeStyleOf(args.time, context.env);
  const format = (event: StoredActorEvent, out: Output) =>
    `[${formatTimestamp(event.timestamp, time)}] ${out.paint("cyan", event.event_type)} ${formatAddress(event.actor_address)}`;
  return withStore(context, args, async (store) => {
    const { backend, info } = store;
    const empty = "No events recorded.";
    const streamed = await streamListing(context, args, store, {
      kind: "event",
      command: "inspect events",
      field: "events",
      ...parsed,
      filter,
      format,
      empty,
    });
    if (streamed) return streamed;
    const events = await listFiltered((q) => backend.listEvents(q), parsed, filter);
    return {
      exitCode: ExitCode.ok,
      data: { store: info, count: events.length, events },
      print(out) {
        if (events.length === 0) return out.line(empty);
        for (const event of events) out.line(format(event, out));
      },
    };
  });
}

/** One audit as a line of `name=value` pairs. */
export function auditLine(audit: StoredAuditSnapshot, time: TimeStyle = "utc"): string {
  return [
    `[${formatTimestamp(audit.timestamp, time)}]`,
    audit.system_id,
    `total=${audit.total_actors}`,
    `alive=${audit.alive_actors}`,
    `stopping=${audit.stopping_actors}`,
    `restarting=${audit.restarting_actors}`,
    `registry=${audit.registry_size}`,
    `orphans=${audit.registry_orphans.length}`,
    `dead=${audit.registry_dead.length}`,
    `dead_letters=${audit.dead_letters_count}`,
  ].join(" ");
}

/** `inspect audits`. */
export async function inspectAuditsCommand(
  context: CliContext,
  args: ListingArgs & Record<string, unknown>,
): Promise<CommandResult> {
  const parsed = parseListing(args);
  const time = timeStyleOf(args.time, context.env);
  return withStore(context, args, async (store) => {
    const { backend, info } = store;
    const streamed = await streamListing(context, args, store, {
      kind: "audit",
      command: "inspect audits",
      field: "audits",
      ...parsed,
      filter: undefined,
      format: (audit) => auditLine(audit, time),
      empty: "No audit reports recorded.",
    });
    if (streamed) return streamed;
    const audits = await listFiltered((q) => backend.listAudits(q), parsed, undefined);
    return {
      exitCode: ExitCode.ok,
      data: { store: info, count: audits.length, audits },
      print(out) {
        if (audits.length === 0) return out.line("No audit reports recorded.");
        for (const audit of audits) out.line(auditLine(audit, time));
      },
    };
  });
}

/** `inspect dead-letters`. */
export async function inspectDeadLettersCommand(
  context: CliContext,
  args: ListingArgs & Record<string, unknown>,
): Promise<CommandResult> {
  const parsed = parseListing(args);
  const types = toList(args["message-type"]);
  const targets = toList(args.target);
  const filter =
    types || targets
      ? (letter: StoredDeadLetter) =>
          (!types || types.includes(letter.message_type)) &&
          (!targets || matchesTarget(letter.target, targets))
      : undefined;
  const time = timeStyleOf(args.time, context.env);
  const format = (letter: StoredDeadLetter, out: Output) =>
    `[${formatTimestamp(letter.timestamp, time)}] ${out.paint("yellow", letter.message_type)} -> ${formatAddress(letter.target)}`;
  return withStore(context, args, async (store) => {
    const { backend, info } = store;
    const streamed = await streamListing(context, args, store, {
      kind: "dead_letter",
      command: "inspect dead-letters",
      field: "dead_letters",
      ...parsed,
      filter,
      format,
      empty: "No dead letters recorded.",
    });
    if (streamed) return streamed;
    const deadLetters = await listFiltered((q) => backend.listDeadLetters(q), parsed, filter);
    return {
      exitCode: ExitCode.ok,
      data: { store: info, count: deadLetters.length, dead_letters: deadLetters },
      print(out) {
        if (deadLetters.length === 0) return out.line("No dead letters recorded.");
        for (const letter of deadLetters) out.line(format(letter, out));
      },
    };
  });
}

/** `inspect summary`: the latest audit, in full. */
export async function inspectSummaryCommand(
  context: CliContext,
  args: Record<string, unknown>,
): Promise<CommandResult> {
  const time = timeStyleOf(args.time, context.env);
  return withStore(context, args, async ({ backend, info }) => {
    const audits = await backend.listAudits();
    const latest = audits[audits.length - 1];
    const summary = latest
      ? {
          audits: audits.length,
          system_id: latest.system_id,
          timestamp: latest.timestamp,
          total_actors: latest.total_actors,
          alive_actors: latest.alive_actors,
          stopping_actors: latest.stopping_actors,
          restarting_actors: latest.restarting_actors,
          registry_size: latest.registry_size,
          registry_orphans: latest.registry_orphans,
          registry_dead: latest.registry_dead,
          dead_letters_count: latest.dead_letters_count,
        }
      : null;
    return {
      exitCode: ExitCode.ok,
      data: { store: info, summary },
      print(out) {
        if (!summary) return out.line("No audit data available.");
        const names = (list: string[]) =>
          list.length
            ? `${list.length} (${list.slice(0, 10).join(", ")}${list.length > 10 ? ", ..." : ""})`
            : "0";
        out.pairs([
          ["Latest audit", `[${formatTimestamp(summary.timestamp, time)}] ${summary.system_id}`],
          ["Audits recorded", String(summary.audits)],
          ["Total actors", String(summary.total_actors)],
          ["Alive", String(summary.alive_actors)],
          ["Stopping", String(summary.stopping_actors)],
          ["Restarting", String(summary.restarting_actors)],
          ["Registry size", String(summary.registry_size)],
          ["Registry orphans", names(summary.registry_orphans)],
          ["Registry dead", names(summary.registry_dead)],
          ["Dead letters", String(summary.dead_letters_count)],
        ]);
      },
    };
  });
}
