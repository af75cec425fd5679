import { close, fdatasync, open, write } from "node:fs";

/** Opens a file for appending, kept open by the caller. */
export function openAppend(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, "a", (error, fd) => (error ? reject(error) : resolve(fd)));
  });
}

/** Closes a descriptor. */
export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) =>
    close(fd, (error) => (error ? reject(error) : resolve())),
  );
}

/** Writes all of `buffer` at the end of the file (looping over short writes). */
export function writeAll(fd: number, buffer: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number): void => {
      write(fd, buffer, offset, buffer.length - offset, null, (error, written) => {
        if (error) return reject(error);
        const next = offset + written;
        if (next < buffer.length) step(next);
        else resolve();
      });
    };
    step(0);
  });
}

/** fdatasync as a promise. */
export function syncData(fd: number): Promise<void> {
  return new Promise((resolve, reject) =>
    fdatasync(fd, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * The hand-written group writer: lines arriving while a batch is in flight wait and go out
 * together in one write (and one fdatasync when durable). This is the machine's practical
 * limit for an appending NDJSON writer in Node.
 */
export class GroupWriter {
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private flushing = false;

  constructor(
    private readonly fd: number,
    private readonly durable: boolean,
  ) {}

  /** Queues one line (without its newline); resolves once its batch is written (and synced). */
  write(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push(line);
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const lines = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      await writeAll(this.fd, Buffer.from(`${lines.join("\n")}\n`));
      if (this.durable) await syncData(this.fd);
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}

/** One write per record (and one fdatasync per record when durable), no batching. */
export async function writePerRecord(fd: number, line: string, durable: boolean): Promise<void> {
  await writeAll(fd, Buffer.from(`${line}\n`));
  if (durable) await syncData(fd);
}
