import * as fs from "node:fs";
import { promisify } from "node:util";

/**
 * The few file-descriptor calls the append path makes. Injectable so tests can count write
 * syscalls and inject ENOSPC/EACCES; {@link nodeAppendFs} is the real thing. The `*Sync`
 * calls run on the event loop: `os`-durability batches are written with them (a page-cache
 * write of one batch takes microseconds, less than a thread-pool round trip), and the link
 * check before each batch uses `fstatSync` (an fstat of an open descriptor reads no disk).
 */
export interface AppendFs {
  open(path: string, flags: string, mode?: number): Promise<number>;
  /** One write(2) call; may write fewer bytes than asked. */
  write(fd: number, buffer: Buffer, offset: number, length: number): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fstat(fd: number): Promise<FdStat>;
  close(fd: number): Promise<void>;
  /** One write(2) call on the event loop; may write fewer bytes than asked. */
  writeSync(fd: number, buffer: Buffer, offset: number, length: number): number;
  ftruncateSync(fd: number, length: number): void;
  fstatSync(fd: number): FdStat;
}

/** What the append path needs of fstat(2). */
export interface FdStat {
  size: number;
  nlink: number;
  dev: number;
  ino: number;
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
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length, null),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  fstatSync: (fd) => {
    const st = fs.fstatSync(fd);
    return { size: st.size, nlink: st.nlink, dev: st.dev, ino: st.ino };
  },
};
