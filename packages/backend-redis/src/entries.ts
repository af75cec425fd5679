import { decodeLine, lineBytes, type RecordKind, type StoredRecordByKind } from "@papyra/core";

/** One stream entry as Redis returned it, fields kept as raw bytes. */
export interface RawEntry {
  id: string;
  /** Alternating field names and values; null for an entry deleted while pending in a group. */
  fields: Buffer[] | null;
}

/** What one stream entry turned out to be. */
export type ClassifiedEntry =
  | {
      type: "record";
      kind: RecordKind;
      record: StoredRecordByKind[RecordKind];
      timestamp: number;
      /** Size for retention: UTF-8 bytes of `data` plus one, as a stored line. */
      bytes: number;
    }
  | { type: "unknown_kind"; kind: string; timestamp: number; bytes: number }
  | { type: "damaged"; anomaly: "CORRUPTED_LINE" | "INVALID_RECORD"; detail: string };

const DATA = Buffer.from("data");
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Converts ioredis' `[id, fields]` tuples (Buffer variants) into {@link RawEntry}s. */
export function toRawEntries(page: ReadonlyArray<[Buffer | string, Buffer[] | null]>): RawEntry[] {
  return page.map(([id, fields]) => ({ id: id.toString(), fields }));
}

/** An entry's payload size: the bytes of every field name and value. */
export function entryBytes(entry: RawEntry): number {
  let bytes = 0;
  for (const field of entry.fields ?? []) bytes += field.length;
  return bytes;
}

/** The value of the first field named `data`, or undefined. */
export function dataField(fields: readonly Buffer[]): Buffer | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if ((fields[i] as Buffer).equals(DATA)) return fields[i + 1];
  }
  return undefined;
}

function fieldNames(fields: readonly Buffer[]): string {
  const names: string[] = [];
  for (let i = 0; i < fields.length && names.length < 5; i += 2) {
    names.push(JSON.stringify((fields[i] as Buffer).toString("utf8").slice(0, 40)));
  }
  return names.length ? names.join(", ") : "none";
}

/**
 * Classifies an entry the way file backends classify a line: one `data` field holding a JSON
 * object record. Never throws.
 */
export function classifyEntry(fields: readonly Buffer[] | null): ClassifiedEntry {
  if (fields === null) {
    return { type: "damaged", anomaly: "CORRUPTED_LINE", detail: "entry no longer exists" };
  }
  const data = dataField(fields);
  if (data === undefined) {
    return {
      type: "damaged",
      anomaly: "CORRUPTED_LINE",
      detail: `no \`data\` field (fields: ${fieldNames(fields)})`,
    };
  }
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return { type: "damaged", anomaly: "CORRUPTED_LINE", detail: "`data` is not valid UTF-8" };
  }
  const decoded = decodeLine(text);
  switch (decoded.type) {
    case "blank":
      return { type: "damaged", anomaly: "CORRUPTED_LINE", detail: "`data` is empty" };
    case "corrupt":
      return {
        type: "damaged",
        anomaly: "CORRUPTED_LINE",
        detail: `\`data\` is ${decoded.detail}`,
      };
    case "invalid":
      return { type: "damaged", anomaly: "INVALID_RECORD", detail: decoded.detail };
    case "unknown_kind":
      return { ...decoded, bytes: lineBytes(text) };
    case "record":
      return { ...decoded, bytes: lineBytes(text) };
  }
}

const REPLACEMENT = "\uFFFD";

/**
 * The byte size of an entry read as text (as {@link entryBytes} counts it) when it is a record
 * or a record of an unknown kind; -1 when it may be damaged or its text may not match its bytes
 * (no fields, or a U+FFFD that could stand for invalid UTF-8). Then the caller re-reads it as
 * bytes and classifies it with {@link classifyEntry}, so nothing is judged from lossy text.
 */
export function cleanTextBytes(fields: readonly string[] | null): number {
  if (fields === null) return -1;
  let data: string | undefined;
  let bytes = 0;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.includes(REPLACEMENT)) return -1;
    if (data === undefined && i % 2 === 0 && field === "data") data = fields[i + 1];
    bytes += Buffer.byteLength(field, "utf8");
  }
  if (data === undefined) return -1;
  const type = decodeLine(data).type;
  return type === "record" || type === "unknown_kind" ? bytes : -1;
}

/** Field/value pairs of an entry as UTF-8 text (invalid bytes replaced), for error items. */
export function fieldsAsText(fields: readonly Buffer[] | null): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!fields) return out;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = (fields[i] as Buffer).toString("utf8");
    if (!(name in out)) out[name] = (fields[i + 1] as Buffer).toString("utf8");
  }
  return out;
}

/** The id just below `ms` milliseconds, as a stream range bound. */
export function idFromSeconds(seconds: number): string {
  const ms = Math.floor(seconds * 1000);
  return ms <= 0 ? "-" : `${ms}-0`;
}
