import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { FdStat } from "../append-fs.js";
import { nodeStoreFs, type StoreFs } from "../store-fs.js";
import type { BaselineEntry, FsLog, FsOp } from "./fs-log.js";

interface OpenFile {
  inode: number;
  append: boolean;
  position: number;
}

/** Options of {@link RecordingFs}. */
export interface RecordingFsOptions {
  /**
   * Mutation testing: syncs (file or directory) made at this call site still run,
   * but are left out of the log, as if the store did not make them.
   */
  dropSyncAt?: string;
}

/**
 * A {@link StoreFs} that makes every call for real and logs each change under `root` with
 * what replaying it needs (the bytes written, inode identities, sync call sites). Calls on
 * paths outside `root` run unlogged. Files it meets that it did not see created are listed in
 * {@link untracked}: each one is a store call that bypasses the layer.
 */
export class RecordingFs implements StoreFs {
  readonly root: string;
  readonly ops: FsOp[] = [];
  readonly baseline: Map<string, BaselineEntry> = new Map();
  /** Sync call sites seen (logged or dropped), for mutation runs. */
  readonly syncSites: Set<string> = new Set();
  /** Paths the stores touched through the layer that the recorder had not seen created. */
  readonly untracked: Set<string> = new Set();
  readonly #options: RecordingFsOptions;
  readonly #names = new Map<string, number>();
  readonly #contents = new Map<number, Buffer>();
  readonly #fds = new Map<number, OpenFile>();
  #nextInode = 1;

  constructor(root: string, options: RecordingFsOptions = {}) {
    this.root = resolve(root);
    this.#options = options;
    this.#scan("");
  }

  /** The log so far. */
  log(): FsLog {
    return { baseline: this.baseline, ops: [...this.ops] };
  }

  /** Adds a workload marker (e.g. an acknowledged record). */
  mark(label: string): void {
    this.ops.push({ op: "mark", label });
  }

  #scan(dir: string): void {
    for (const name of readdirSync(join(this.root, dir))) {
      const path = dir === "" ? name : `${dir}/${name}`;
      const full = join(this.root, path);
      const inode = this.#nextInode++;
      this.#names.set(path, inode);
      if (statSync(full).isDirectory()) {
        this.baseline.set(path, { inode, bytes: null });
        this.#scan(path);
      } else {
        const bytes = readFileSync(full);
        this.baseline.set(path, { inode, bytes });
        this.#contents.set(inode, Buffer.from(bytes));
      }
    }
  }

  /** Relative path under root, or null outside it. */
  #rel(path: string): string | null {
    const rel = relative(this.root, resolve(path));
    if (rel === "" || rel.startsWith("..")) return rel === "" ? "" : null;
    return rel.split(sep).join("/");
  }

  #inodeOf(rel: string): number {
    let inode = this.#names.get(rel);
    if (inode === undefined) {
      this.untracked.add(rel);
      inode = this.#nextInode++;
      this.#names.set(rel, inode);
      this.#contents.set(inode, Buffer.from(readFileSync(join(this.root, rel))));
    }
    return inode;
  }

  #newFile(rel: string): number {
    const inode = this.#nextInode++;
    this.#names.set(rel, inode);
    this.#contents.set(inode, Buffer.alloc(0));
    this.ops.push({ op: "create", path: rel, inode });
    return inode;
  }

  #site(): string {
    const frames = (new Error().stack ?? "").split("\n").slice(1);
    const outside = frames
      .map((line) => line.trim())
      .filter((line) => !line.includes("recording-fs") && !line.includes("store-fs"))
      .slice(0, 2)
      .map((line) =>
        line.replace(/^at (async )?/, "").replace(/\(?file:\/\/\S*\/([^/]+:\d+):\d+\)?/, "$1"),
      );
    return outside.join(" < ");
  }

  /** Logs a sync unless this site is being mutated away. */
  #logSync(op: FsOp & { site: string }): void {
    this.syncSites.add(op.site);
    const drop = this.#options.dropSyncAt;
    if (drop !== undefined && op.site === drop) return;
    this.ops.push(op);
  }

  #applyWrite(file: OpenFile, data: Buffer): void {
    const current = this.#contents.get(file.inode) ?? Buffer.alloc(0);
    const offset = file.append ? current.length : file.position;
    const end = offset + data.length;
    const next = Buffer.alloc(Math.max(end, current.length));
    current.copy(next);
    data.copy(next, offset);
    this.#contents.set(file.inode, next);
    file.position = end;
    this.ops.push({ op: "write", inode: file.inode, offset, data: Buffer.from(data) });
  }

  #applyTruncate(file: OpenFile, length: number): void {
    const current = this.#contents.get(file.inode) ?? Buffer.alloc(0);
    const next = Buffer.alloc(length);
    current.copy(next, 0, 0, Math.min(length, current.length));
    this.#contents.set(file.inode, next);
    this.ops.push({ op: "truncate", inode: file.inode, length });
  }

  async open(path: string, flags: string, mode?: number): Promise<number> {
    const rel = this.#rel(path);
    const existed = rel !== null && this.#names.has(rel);
    const fd = await nodeStoreFs.open(path, flags, mode);
    if (rel !== null) {
      const creates = flags.includes("a") || flags.includes("w");
      const inode = creates && !existed ? this.#newFile(rel) : this.#inodeOf(rel);
      this.#fds.set(fd, { inode, append: flags.includes("a"), position: 0 });
      if (flags.includes("w") && !flags.includes("x") && existed) {
        this.#applyTruncate(this.#fds.get(fd) as OpenFile, 0);
      }
    }
    return fd;
  }

  async write(fd: number, buffer: Buffer, offset: number, length: number): Promise<number> {
    const n = await nodeStoreFs.write(fd, buffer, offset, length);
    const file = this.#fds.get(fd);
    if (file && n > 0) this.#applyWrite(file, buffer.subarray(offset, offset + n));
    return n;
  }

  writeSync(fd: number, buffer: Buffer, offset: number, length: number): number {
    const n = nodeStoreFs.writeSync(fd, buffer, offset, length);
    const file = this.#fds.get(fd);
    if (file && n > 0) this.#applyWrite(file, buffer.subarray(offset, offset + n));
    return n;
  }

  async fdatasync(fd: number): Promise<void> {
    const site = this.#site();
    await nodeStoreFs.fdatasync(fd);
    const file = this.#fds.get(fd);
    if (file) this.#logSync({ op: "sync", inode: file.inode, site });
  }

  async fsync(fd: number): Promise<void> {
    const site = this.#site();
    await nodeStoreFs.fsync(fd);
    const file = this.#fds.get(fd);
    if (file) this.#logSync({ op: "sync", inode: file.inode, site });
  }

  async ftruncate(fd: number, length: number): Promise<void> {
    await nodeStoreFs.ftruncate(fd, length);
    const file = this.#fds.get(fd);
    if (file) this.#applyTruncate(file, length);
  }

  ftruncateSync(fd: number, length: number): void {
    nodeStoreFs.ftruncateSync(fd, length);
    const file = this.#fds.get(fd);
    if (file) this.#applyTruncate(file, length);
  }

  fstat(fd: number): Promise<FdStat> {
    return nodeStoreFs.fstat(fd);
  }

  fstatSync(fd: number): FdStat {
    return nodeStoreFs.fstatSync(fd);
  }

  async close(fd: number): Promise<void> {
    await nodeStoreFs.close(fd);
    this.#fds.delete(fd);
  }

  async rename(from: string, to: string): Promise<void> {
    await nodeStoreFs.rename(from, to);
    const relFrom = this.#rel(from);
    const relTo = this.#rel(to);
    if (relFrom === null || relTo === null) return;
    const inode = this.#inodeOf(relFrom);
    this.#names.delete(relFrom);
    this.#names.set(relTo, inode);
    this.ops.push({ op: "rename", from: relFrom, to: relTo });
  }

  async unlink(path: string): Promise<void> {
    await nodeStoreFs.unlink(path);
    const rel = this.#rel(path);
    if (rel === null) return;
    this.#names.delete(rel);
    this.ops.push({ op: "unlink", path: rel });
  }

  async link(from: string, to: string): Promise<void> {
    await nodeStoreFs.link(from, to);
    const relFrom = this.#rel(from);
    const relTo = this.#rel(to);
    if (relFrom === null || relTo === null) return;
    const inode = this.#inodeOf(relFrom);
    this.#names.set(relTo, inode);
    this.ops.push({ op: "link", path: relTo, inode });
  }

  async mkdir(path: string, mode?: number): Promise<void> {
    await nodeStoreFs.mkdir(path, mode);
    const rel = this.#rel(path);
    if (rel === null || rel === "") return;
    const inode = this.#nextInode++;
    this.#names.set(rel, inode);
    this.ops.push({ op: "mkdir", path: rel, inode });
  }

  async copyFile(from: string, to: string): Promise<void> {
    await nodeStoreFs.copyFile(from, to);
    const relTo = this.#rel(to);
    if (relTo === null) return;
    const relFrom = this.#rel(from);
    const bytes =
      relFrom !== null
        ? (this.#contents.get(this.#inodeOf(relFrom)) ?? Buffer.alloc(0))
        : readFileSync(from);
    const inode = this.#newFile(relTo);
    this.#applyWrite({ inode, append: false, position: 0 }, Buffer.from(bytes));
  }

  async fsyncDirectory(dir: string): Promise<void> {
    const site = this.#site();
    await nodeStoreFs.fsyncDirectory(dir);
    const rel = this.#rel(dir);
    if (rel !== null) this.#logSync({ op: "fsyncdir", path: rel, site });
  }
}
