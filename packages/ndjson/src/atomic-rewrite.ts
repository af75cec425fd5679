import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { storeFs } from "./store-fs.js";

/** Marker in the names of temp files made by {@link atomicRewrite}: `.<file>.tmp-<pid>-<random>`. */
export const TEMP_MARKER = ".tmp-";

function uniqueSuffix(): string {
  return `${TEMP_MARKER}${process.pid}-${randomBytes(4).toString("hex")}`;
}

/**
 * A fresh temp file name for rewriting `path`, in the same directory (so rename is atomic):
 * `.<name>.tmp-<pid>-<random>`. The leading dot keeps it out of `<name>*`, which tools (the
 * earlier implementation included) read as the store's rotated segments.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${uniqueSuffix()}`);
}

/**
 * A fresh temp name `<path>.tmp-<pid>-<random>` beside a file whose own name already keeps
 * out of the store's `<name>*` (a dot-named sidecar), so the temp does too.
 */
export function siblingTempPathFor(path: string): string {
  return `${path}${uniqueSuffix()}`;
}

/**
 * True when `candidate` (a path or a bare file name) is a temp file of a rewrite of `path`:
 * `.<name>.tmp-*` ({@link tempPathFor}) or `<name>.tmp-*` (the first release's names, and
 * {@link siblingTempPathFor}), so leftovers of either are recognised.
 */
export function isTempFileOf(path: string, candidate: string): boolean {
  const base = basename(path);
  const name = basename(candidate);
  return name.startsWith(`.${base}${TEMP_MARKER}`) || name.startsWith(`${base}${TEMP_MARKER}`);
}

/** fsync(2) of a directory, so a rename or create in it survives power loss. */
export function fsyncDirectory(dir: string): Promise<void> {
  return storeFs().fsyncDirectory(dir);
}

/** Buffered sequential writer of a rewrite's temp file. */
export interface RewriteOutput {
  /** Appends bytes (copied into an internal buffer or written through). */
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
}

/** What {@link atomicRewrite} did. */
export interface RewriteResult {
  /** False when `produce` returned false and the original was left untouched. */
  replaced: boolean;
  /** Size of the new content. */
  bytes: number;
}

/**
 * Replaces `path` atomically with what `produce` writes: writes a temp file in the same
 * directory, fsyncs it, renames it over `path` and fsyncs the directory. A crash at any
 * instant leaves either the old or the new content under `path` (and at worst a temp file,
 * which {@link isTempFileOf} recognises). `produce` returns true to replace; if it throws or
 * returns `false`, the temp file is removed and `path` is untouched. The new file keeps `mode`.
 * The temp file is {@link tempPathFor} unless `tempPath` names another one.
 */
export async function atomicRewrite(
  path: string,
  produce: (out: RewriteOutput) => Promise<boolean>,
  options: { mode?: number; bufferSize?: number; tempPath?: string } = {},
): Promise<RewriteResult> {
  const temp = options.tempPath ?? tempPathFor(path);
  const fs = storeFs();
  const fd = await fs.open(temp, "wx", options.mode ?? 0o644);
  const writeAll = async (bytes: Uint8Array, length: number): Promise<void> => {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, length);
    let done = 0;
    while (done < length) done += await fs.write(fd, view, done, length - done);
  };
  const bufferSize = options.bufferSize ?? 256 * 1024;
  let buffer = Buffer.allocUnsafe(bufferSize);
  let used = 0;
  let total = 0;
  let closed = false;
  const flushBuffer = async () => {
    await writeAll(buffer, used);
    used = 0;
  };
  const out: RewriteOutput = {
    async write(bytes) {
      total += bytes.length;
      if (bytes.length >= bufferSize) {
        await flushBuffer();
        await writeAll(bytes, bytes.length);
        return;
      }
      if (used + bytes.length > bufferSize) await flushBuffer();
      buffer.set(bytes, used);
      used += bytes.length;
    },
    get bytes() {
      return total;
    },
  };
  try {
    const keep = await produce(out);
    if (keep === false) {
      await fs.close(fd);
      closed = true;
      await fs.unlink(temp).catch(() => {});
      return { replaced: false, bytes: total };
    }
    await flushBuffer();
    await fs.fdatasync(fd);
    await fs.close(fd);
    closed = true;
    await fs.rename(temp, path);
    await fsyncDirectory(dirname(path));
    return { replaced: true, bytes: total };
  } catch (error) {
    if (!closed) await fs.close(fd).catch(() => {});
    await fs.unlink(temp).catch(() => {});
    throw error;
  } finally {
    buffer = Buffer.alloc(0);
  }
}

/** Temp files of interrupted rewrites of `path` present in its directory (full paths). */
export async function findTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => isTempFileOf(path, name)).map((name) => join(dir, name));
}
