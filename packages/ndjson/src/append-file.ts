import { open } from "node:fs/promises";
import type { AppendFs } from "./append-fs.js";
import { storeFs } from "./store-fs.js";

/** Options of {@link AppendFile.open}. */
export interface AppendFileOptions {
  /** File system calls to use (tests inject faults here). */
  fs?: AppendFs;
}

/**
 * One file open for appending, with all-or-nothing writes: when a write fails part way
 * (ENOSPC, EIO), the file is truncated back to its previous size so no torn line stays
 * between records written before and after. Works on any path (a store file or a segment).
 */
export class AppendFile {
  readonly path: string;
  readonly #fs: AppendFs;
  #fd: number;
  #size: number;
  #closed = false;

  private constructor(path: string, fs: AppendFs, fd: number, size: number) {
    this.path = path;
    this.#fs = fs;
    this.#fd = fd;
    this.#size = size;
  }

  /** Opens `path` for appending. Rejects with the raw fs error (ENOENT when its directory is missing). */
  static async open(path: string, options: AppendFileOptions = {}): Promise<AppendFile> {
    const fs = options.fs ?? storeFs();
    // Creates a missing file, never a missing directory (that stays ENOENT for the caller).
    const fd = await fs.open(path, "a", 0o644);
    try {
      const st = await fs.fstat(fd);
      return new AppendFile(path, fs, fd, st.size);
    } catch (error) {
      await fs.close(fd).catch(() => {});
      throw error;
    }
  }

  /** Bytes in the file as far as this writer knows (its size after the last good write). */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends `data` with as few write(2) calls as the OS allows (normally one). On failure the
   * file is truncated back to where it was and the error is rethrown: nothing of `data` stays.
   * If the file was deleted or renamed over since it was opened, it is reopened by path first.
   *
   * `inline`: make the write(2) calls synchronously on the event loop instead of the thread
   * pool (for `os` durability: a page-cache write of one batch costs microseconds, a thread-pool
   * round trip more). Never used for fdatasync, which waits for the disk.
   */
  async write(data: Buffer, inline = false): Promise<void> {
    if (this.#closed) throw new Error(`append file ${this.path} is closed`);
    // fstat of an open descriptor reads no disk: done on the event loop, before every batch,
    // so a file deleted under a running writer is noticed and the batch goes to a fresh file.
    if (this.#fs.fstatSync(this.#fd).nlink === 0) await this.#relink();
    if (inline) this.#writeInline(data);
    else await this.#writeOnPool(data);
  }

  #writeInline(data: Buffer): void {
    const before = this.#size;
    let written = 0;
    try {
      while (written < data.length) {
        const n = this.#fs.writeSync(this.#fd, data, written, data.length - written);
        if (n <= 0) throw noProgress(this.path);
        written += n;
      }
    } catch (error) {
      // Cut back whatever reached the file, even when the failing call reported nothing.
      try {
        this.#fs.ftruncateSync(this.#fd, before);
      } catch {}
      throw error;
    }
    this.#size = before + data.length;
  }

  async #writeOnPool(data: Buffer): Promise<void> {
    const before = this.#size;
    let written = 0;
    try {
      while (written < data.length) {
        const n = await this.#fs.write(this.#fd, data, written, data.length - written);
        if (n <= 0) throw noProgress(this.path);
        written += n;
      }
    } catch (error) {
      // Cut back whatever reached the file, even when the failing call reported nothing.
      await this.#fs.ftruncate(this.#fd, before).catch(() => {});
      throw error;
    }
    this.#size = before + data.length;
  }

  /** fdatasync(2): the written bytes are on disk once this resolves. */
  async sync(): Promise<void> {
    await this.#fs.fdatasync(this.#fd);
  }

  /** Closes the file descriptor. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#fs.close(this.#fd);
  }

  /** Writes to an unlinked inode would vanish: reopen by path (fails if the directory is gone). */
  async #relink(): Promise<void> {
    const fd = await this.#fs.open(this.path, "a", 0o644);
    const fresh = await this.#fs.fstat(fd).catch(async (error: unknown) => {
      await this.#fs.close(fd).catch(() => {});
      throw error;
    });
    await this.#fs.close(this.#fd).catch(() => {});
    this.#fd = fd;
    this.#size = fresh.size;
  }
}

function noProgress(path: string): Error {
  return Object.assign(new Error(`write to ${path} made no progress`), { code: "EIO" });
}

/**
 * Makes sure the file's last line ends with `\n` before a writer appends to it: a torn tail
 * left by a crash would otherwise be glued to the next record and damage it. The fragment
 * becomes a line of its own, which scan reports and repair removes (or keeps, if it is a
 * complete record). Returns true when a newline was added. A missing file is left missing.
 */
export async function sealTornTail(file: AppendFile): Promise<boolean> {
  if (file.size === 0) return false;
  const handle = await open(file.path, "r");
  let last: number | undefined;
  try {
    const buffer = Buffer.alloc(1);
    const { bytesRead } = await handle.read(buffer, 0, 1, file.size - 1);
    last = bytesRead === 1 ? buffer[0] : undefined;
  } finally {
    await handle.close();
  }
  if (last === undefined || last === 0x0a) return false;
  await file.write(Buffer.from("\n"));
  return true;
}
