import { randomBytes } from "node:crypto";
import { open, readdir, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

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
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on directories; the rename itself already happened.
    if ((error as NodeJS.ErrnoException).code !== "EINVAL") throw error;
  } finally {
    await handle.close();
  }
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
  const handle = await open(temp, "wx", options.mode ?? 0o644);
  const bufferSize = options.bufferSize ?? 256 * 1024;
  let buffer = Buffer.allocUnsafe(bufferSize);
  let used = 0;
  let total = 0;
  let closed = false;
  const flushBuffer = async () => {
    let done = 0;
    while (done < used) done += (await handle.write(buffer, done, used - done)).bytesWritten;
    used = 0;
  };
  const out: RewriteOutput = {
    async write(bytes) {
      total += bytes.length;
      if (bytes.length >= bufferSize) {
        await flushBuffer();
        let done = 0;
        while (done < bytes.length)
          done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
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
      await handle.close();
      closed = true;
      await unlink(temp).catch(() => {});
      return { replaced: false, bytes: total };
    }
    await flushBuffer();
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(temp, path);
    await fsyncDirectory(dirname(path));
    return { replaced: true, bytes: total };
  } catch (error) {
    if (!closed) await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
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
