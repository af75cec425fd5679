import * as fs from "node:fs";
import { promisify } from "node:util";

/**
 * The few file-descriptor calls the append path makes. Injectable so tests can count write
 * syscalls and inject ENOSPC/EACCES; {@link nodeAppendFs} is the real thing.
 */
export interface AppendFs {
  open(path: string, flags: string, mode?: number): Promise<number>;
  /** One write(2) call; may write fewer bytes than asked. */
  write(fd: number, buffer: Buffer, offset: number, length: number): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fstat(fd: number): Promise<{ size: number; nlink: number; dev: number; ino: number }>;
  close(fd: number): Promise<void>;
}

const openAsync = promisify(fs.open);
const writeAsync = promisify(fs.write);
const fdatasyncAsync = promisify(fs.fdatasync);
const ftruncateAsync = promisify(fs.ftruncate);
const fstatAsync = promisify(fs.fstat);
const closeAsync = promisify(fs.close);

/** {@link AppendFs} backed by `node:fs`. */
export const nodeAppendFs: AppendFs = {
  open: (path, flags, mode) => openAsync(path, flags, mode),
  write: async (fd, buffer, offset, length) =>
    (await writeAsync(fd, buffer, offset, length, null)).bytesWritten,
  fdatasync: (fd) => fdatasyncAsync(fd),
  ftruncate: (fd, length) => ftruncateAsync(fd, length),
  fstat: async (fd) => {
    const st = await fstatAsync(fd);
    return { size: st.size, nlink: st.nlink, dev: st.dev, ino: st.ino };
  },
  close: (fd) => closeAsync(fd),
};
