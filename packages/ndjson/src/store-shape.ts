import { type DecodedLine, PersistenceNotAStoreError } from "@papyra/core";
import type { LineView } from "./line-chunks.js";

/**
 * What the lines of one file look like, counted by a scan or a rewrite, to decide whether the
 * file is a store at all before anything rewrites it (SPEC §9).
 */
export interface FileShape {
  /** Valid records, unknown kinds included. */
  records: number;
  /** Damaged lines, not counting an allowed torn last line ({@link tornTail}). */
  damaged: number;
  /** Damaged lines that are not text: invalid UTF-8, control bytes, or too long to look at. */
  binary: number;
  /** Damaged lines that are JSON but not records (a JSON object without `kind`, ...). */
  json: number;
  /**
   * True when the file has a fragment that starts like a record (`{`, text, not parseable):
   * what a crash during an append leaves. An unterminated one (the last line) never counts
   * against the file, and neither does the first terminated one (a torn tail a writer ended
   * with a newline when it reopened the store), so a store whose very first write was torn is
   * still repaired.
   */
  tornTail: boolean;
  /**
   * Lines made only of NUL bytes: what a power cut leaves when a file's new size reached the
   * disk but its data did not. Damage, but never a sign that the file is not a store.
   */
  zeroFilled?: number;
}

/** A shape with nothing counted yet. */
export function emptyShape(): FileShape {
  return { records: 0, damaged: 0, binary: 0, json: 0, tornTail: false };
}

/** True when `text` holds a C0 control character other than tab, CR and form feed, or DEL. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0c && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** Counts one damaged line (a line a scan reports) into `shape`. */
export function countDamagedLine(shape: FileShape, view: LineView, decoded: DecodedLine): void {
  if (view.oversized) {
    shape.damaged += 1;
    shape.binary += 1;
    return;
  }
  const text = view.text ?? lineText(view);
  if (text !== null && text.length > 0 && ZERO_FILLED.test(text)) {
    shape.zeroFilled = (shape.zeroFilled ?? 0) + 1;
    return;
  }
  if (text === null || hasControlCharacter(text)) {
    shape.damaged += 1;
    shape.binary += 1;
    return;
  }
  const torn = decoded.type === "corrupt" && text.trimStart().startsWith("{");
  // The first terminated fragment may be a torn tail sealed by a writer's reopen (power loss
  // tears appends anywhere, and the store restarts by ending the fragment with a newline).
  if (torn && (!view.terminated || !shape.tornTail)) {
    shape.tornTail = true;
    return;
  }
  shape.damaged += 1;
  if (decoded.type === "invalid") shape.json += 1;
}

const ZERO_FILLED = /^\0+$/;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function lineText(view: LineView): string | null {
  const bytes = view.bytes();
  if (bytes === null) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function lines(n: number): string {
  return `${n} line${n === 1 ? "" : "s"}`;
}

/** What the damaged lines suggest the file is, for a person. */
function lookalike(shape: FileShape): string {
  if (shape.binary * 2 > shape.damaged) return "binary data";
  if (shape.json * 2 > shape.damaged) return "JSON that is not Papyra records";
  return "a text file";
}

/**
 * Why a file with this shape does not look like a store, or null when it does. The rule: a
 * file with damaged lines (an allowed torn last line aside) is not a store when none of its
 * lines is a record, or when its damaged lines outnumber its records. A torn last line or a
 * few corrupted lines among many records are damage in a real store, and repaired.
 */
export function notAStoreReason(shape: FileShape): string | null {
  // NUL lines are what a power cut leaves of a store's unsynced appends, so they never count
  // against a file that holds records. A file with no record at all that holds only NULs is
  // binary data like any other (SPEC §9): refused, and --force repairs a store a power cut
  // left with nothing else.
  const zeros = shape.records === 0 ? (shape.zeroFilled ?? 0) : 0;
  if (zeros > 0 && shape.damaged === 0) {
    return `no line of it is a record; it holds only NUL bytes (${lines(zeros)}): binary data, or what a power cut left of a store before any record reached the disk`;
  }
  if (shape.damaged === 0) return null;
  if (shape.records > 0 && shape.damaged <= shape.records) return null;
  const looks = lookalike({
    ...shape,
    damaged: shape.damaged + zeros,
    binary: shape.binary + zeros,
  });
  if (shape.records === 0) {
    return `no line of it is a record; it looks like ${looks} (${lines(shape.damaged + zeros)} that are not records)`;
  }
  return `most of it is not records: ${lines(shape.damaged)} are damaged against ${shape.records} record${shape.records === 1 ? "" : "s"}; it looks like ${looks}`;
}

/**
 * Throws PersistenceNotAStoreError when `shape` says `path` is not a store; `operation` is
 * what was refused (`repair`, `quarantine`, `compact`). The message says what the file looks
 * like and what to do; nothing has been changed at that point.
 */
export function refuseNonStore(path: string, shape: FileShape, operation: string): void {
  const reason = notAStoreReason(shape);
  if (reason === null) return;
  throw new PersistenceNotAStoreError(
    path,
    `Refusing to ${operation} ${path}: it does not look like a Papyra store (${reason}). Nothing was changed. Check the path (--path or the backend options); if you are sure it is the store, run again with --force (force: true)${operation === "compact" ? "" : ", which drops every line that is not a record"}.`,
  );
}
