/**
 * One change to the file system as the power-loss explorer replays it. Paths are relative to
 * the recorded root ("" is the root), with `/` separators. Files and directories are named by
 * inode numbers the recorder hands out, so renames and links keep their identity.
 */
export type FsOp =
  /** A new directory entry `path` for a new empty file `inode` (open with O_CREAT, copy). */
  | { op: "create"; path: string; inode: number }
  /** A second name `path` for the existing file `inode` (link(2)). */
  | { op: "link"; path: string; inode: number }
  | { op: "mkdir"; path: string; inode: number }
  | { op: "write"; inode: number; offset: number; data: Buffer }
  | { op: "truncate"; inode: number; length: number }
  /** fdatasync(2) or fsync(2) of a file; `site` names the call site (for mutation runs). */
  | { op: "sync"; inode: number; site: string }
  | { op: "rename"; from: string; to: string }
  | { op: "unlink"; path: string }
  | { op: "fsyncdir"; path: string; site: string }
  /** A workload marker (e.g. `ack:<id>` once a record's append resolved); changes nothing. */
  | { op: "mark"; label: string };

/** A file (its bytes) or directory (null) present when recording started, with the inode the log names it by. */
export interface BaselineEntry {
  inode: number;
  bytes: Buffer | null;
}

/** What was on disk when recording started (all of it taken as durable) and what happened since. */
export interface FsLog {
  /** What was present at the start, by relative path, parents before children. */
  readonly baseline: ReadonlyMap<string, BaselineEntry>;
  readonly ops: readonly FsOp[];
}

/** Directory part of a relative path ("" for the root). */
export function parentPath(path: string): string {
  const at = path.lastIndexOf("/");
  return at < 0 ? "" : path.slice(0, at);
}

/** Last part of a relative path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
