import { baseName, type FsLog, type FsOp, parentPath } from "./fs-log.js";

type DataOp = Extract<FsOp, { op: "write" | "truncate" }>;
type DirOp =
  | { kind: "set"; name: string; inode: number }
  | { kind: "del"; name: string }
  | { kind: "rename"; from: string; to: string };

/**
 * How much of one file's unsynced changes a state keeps: its first `applied` pending changes,
 * then of the next one (a write) either the bytes up to `cut`, or, with `zeros`, its whole
 * range filled with zeros (the size reached the disk, the data did not).
 */
export interface FileChoice {
  applied: number;
  cut?: number;
  zeros?: boolean;
}

/** One power-cut state's choices: per directory how many unsynced entry changes persist, per file as {@link FileChoice}. */
export interface StateChoice {
  dirs: Map<string, number>;
  files: Map<number, FileChoice>;
}

/** A state as it would be found after the restart: relative path → bytes (null: a directory). */
export type CrashState = Map<string, Buffer | null>;

interface FileModel {
  synced: Buffer;
  pending: DataOp[];
}

interface DirModel {
  synced: Map<string, number>;
  pending: DirOp[];
}

/**
 * Replays an {@link FsLog} and says which states a power cut at the current point may leave,
 * under the conservative model documented in the ndjson README ("Power loss"):
 *
 * - a file's data as of its last fdatasync/fsync persists; of the changes since, any prefix
 *   (in log order) persists, the last one possibly torn at a page boundary (any byte with
 *   `granularity` 1) or present as zeros, independently for each file;
 * - a directory's entries as of its last fsync persist; of the creates, links, renames and
 *   unlinks since, any prefix persists, independently for each directory (a rename is one
 *   change when it stays in its directory; across directories its two halves are independent);
 * - fsync of a file says nothing about its directory entry, and a directory whose own entry
 *   is lost takes everything in it along.
 */
export class CrashModel {
  readonly #files = new Map<number, FileModel>();
  readonly #current = new Map<number, Buffer>();
  readonly #dirs = new Map<string, DirModel>();
  readonly #dirInodes = new Map<number, string>();
  /** Live names → inode, to resolve renames and unlinks. */
  readonly #names = new Map<string, number>();

  constructor(log: Pick<FsLog, "baseline">) {
    this.#dirs.set("", { synced: new Map(), pending: [] });
    for (const [path, { inode, bytes }] of log.baseline) {
      const parent = this.#dirs.get(parentPath(path));
      parent?.synced.set(baseName(path), inode);
      this.#names.set(path, inode);
      if (bytes === null) this.#addDir(path, inode);
      else {
        this.#files.set(inode, { synced: Buffer.from(bytes), pending: [] });
        this.#current.set(inode, Buffer.from(bytes));
      }
    }
  }

  #addDir(path: string, inode: number): void {
    this.#dirInodes.set(inode, path);
    if (!this.#dirs.has(path)) this.#dirs.set(path, { synced: new Map(), pending: [] });
  }

  #dir(path: string): DirModel {
    let dir = this.#dirs.get(path);
    if (!dir) {
      dir = { synced: new Map(), pending: [] };
      this.#dirs.set(path, dir);
    }
    return dir;
  }

  /** Applies the next op of the log. */
  apply(op: FsOp): void {
    switch (op.op) {
      case "create":
      case "link":
        if (op.op === "create") {
          this.#files.set(op.inode, { synced: Buffer.alloc(0), pending: [] });
          this.#current.set(op.inode, Buffer.alloc(0));
        }
        this.#names.set(op.path, op.inode);
        this.#dir(parentPath(op.path)).pending.push({
          kind: "set",
          name: baseName(op.path),
          inode: op.inode,
        });
        return;
      case "mkdir":
        this.#names.set(op.path, op.inode);
        this.#addDir(op.path, op.inode);
        this.#dir(parentPath(op.path)).pending.push({
          kind: "set",
          name: baseName(op.path),
          inode: op.inode,
        });
        return;
      case "write":
      case "truncate": {
        const file = this.#files.get(op.inode);
        if (!file) return;
        file.pending.push(op);
        this.#current.set(op.inode, applyData(this.#current.get(op.inode) ?? Buffer.alloc(0), op));
        return;
      }
      case "sync": {
        const file = this.#files.get(op.inode);
        if (!file) return;
        file.synced = this.#current.get(op.inode) ?? Buffer.alloc(0);
        file.pending = [];
        return;
      }
      case "rename": {
        const inode = this.#names.get(op.from);
        if (inode === undefined) return;
        this.#names.delete(op.from);
        this.#names.set(op.to, inode);
        const from = parentPath(op.from);
        const to = parentPath(op.to);
        if (from === to) {
          this.#dir(from).pending.push({
            kind: "rename",
            from: baseName(op.from),
            to: baseName(op.to),
          });
        } else {
          this.#dir(from).pending.push({ kind: "del", name: baseName(op.from) });
          this.#dir(to).pending.push({ kind: "set", name: baseName(op.to), inode });
        }
        return;
      }
      case "unlink":
        this.#names.delete(op.path);
        this.#dir(parentPath(op.path)).pending.push({ kind: "del", name: baseName(op.path) });
        return;
      case "fsyncdir": {
        const dir = this.#dir(op.path);
        dir.synced = applyDirOps(dir.synced, dir.pending, dir.pending.length);
        dir.pending = [];
        return;
      }
      case "mark":
        return;
    }
  }

  /** Directories with unsynced entry changes, and how many each has. */
  pendingDirs(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [path, dir] of this.#dirs)
      if (dir.pending.length > 0) out.set(path, dir.pending.length);
    return out;
  }

  /** Files (inodes) reachable in the state the directory choices give, with unsynced data. */
  reachablePendingFiles(dirs: Map<string, number>): number[] {
    const out: number[] = [];
    this.#walk("", dirs, (_path, inode) => {
      const file = this.#files.get(inode);
      if (file && file.pending.length > 0) out.push(inode);
    });
    return out;
  }

  /** Every way the unsynced data of `inode` may persist, at page size `granularity`. */
  fileChoices(inode: number, granularity: number, zeros = true): FileChoice[] {
    const file = this.#files.get(inode);
    if (!file) return [{ applied: 0 }];
    const out: FileChoice[] = [];
    file.pending.forEach((op, index) => {
      out.push({ applied: index });
      if (op.op !== "write" || op.data.length === 0) return;
      const end = op.offset + op.data.length;
      let cut = (Math.floor(op.offset / granularity) + 1) * granularity;
      for (; cut < end; cut += granularity) out.push({ applied: index, cut });
      if (zeros) out.push({ applied: index, zeros: true });
    });
    out.push({ applied: file.pending.length });
    return out;
  }

  /** A uniformly random way the unsynced data of `inode` may persist, tearing at any byte. */
  randomFileChoice(inode: number, random: () => number): FileChoice {
    const file = this.#files.get(inode);
    if (!file) return { applied: 0 };
    const applied = Math.floor(random() * (file.pending.length + 1));
    const op = file.pending[applied];
    if (op?.op !== "write" || op.data.length < 2) return { applied };
    const roll = random();
    if (roll < 0.4) return { applied };
    if (roll < 0.5) return { applied, zeros: true };
    return { applied, cut: op.offset + 1 + Math.floor(random() * (op.data.length - 1)) };
  }

  /** The files and directories a restart would find under `choice`. */
  materialise(choice: StateChoice): CrashState {
    const state: CrashState = new Map();
    this.#walk("", choice.dirs, (path, inode) => {
      if (this.#dirInodes.has(inode)) {
        state.set(path, null);
        return;
      }
      const file = this.#files.get(inode);
      if (!file) return;
      state.set(path, fileContent(file, choice.files.get(inode) ?? { applied: 0 }));
    });
    return state;
  }

  #walk(
    dir: string,
    dirs: Map<string, number>,
    visit: (path: string, inode: number) => void,
  ): void {
    const model = this.#dirs.get(dir);
    if (!model) return;
    const entries = applyDirOps(model.synced, model.pending, dirs.get(dir) ?? 0);
    for (const [name, inode] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const path = dir === "" ? name : `${dir}/${name}`;
      visit(path, inode);
      const sub = this.#dirInodes.get(inode);
      if (sub !== undefined) this.#walk(sub, dirs, visit);
    }
  }
}

function applyDirOps(base: Map<string, number>, ops: DirOp[], count: number): Map<string, number> {
  const entries = new Map(base);
  for (const op of ops.slice(0, count)) {
    if (op.kind === "set") entries.set(op.name, op.inode);
    else if (op.kind === "del") entries.delete(op.name);
    else {
      const inode = entries.get(op.from);
      entries.delete(op.from);
      if (inode !== undefined) entries.set(op.to, inode);
    }
  }
  return entries;
}

function applyData(content: Buffer, op: DataOp): Buffer {
  if (op.op === "truncate") {
    const next = Buffer.alloc(op.length);
    content.copy(next, 0, 0, Math.min(op.length, content.length));
    return next;
  }
  const end = op.offset + op.data.length;
  const next = Buffer.alloc(Math.max(end, content.length));
  content.copy(next);
  op.data.copy(next, op.offset);
  return next;
}

function fileContent(file: FileModel, choice: FileChoice): Buffer {
  let content = file.synced;
  for (const op of file.pending.slice(0, choice.applied)) content = applyData(content, op);
  const next = file.pending[choice.applied];
  if (next?.op === "write" && choice.cut !== undefined && choice.cut > next.offset) {
    content = applyData(content, {
      ...next,
      data: next.data.subarray(0, choice.cut - next.offset),
    });
  } else if (next?.op === "write" && choice.zeros) {
    content = applyData(content, { ...next, data: Buffer.alloc(next.data.length) });
  }
  return content;
}
