import { AppendFile, type AppendFileOptions } from "./append-file.js";
import { type BatchSink, batchBytes, type LineBatch } from "./group-commit.js";

/** A sink appending every batch to one file with one write(2) per batch (one fdatasync in `fsync` mode). */
export class FileSink implements BatchSink {
  readonly #options: AppendFileOptions;
  #file: AppendFile;

  private constructor(file: AppendFile, options: AppendFileOptions) {
    this.#file = file;
    this.#options = options;
  }

  /** Opens (creating if missing) `path` for appending. Rejects with the raw fs error. */
  static async open(path: string, options: AppendFileOptions = {}): Promise<FileSink> {
    return new FileSink(await AppendFile.open(path, options), options);
  }

  get location(): string {
    return this.#file.path;
  }

  /** Where this writer's last complete batch ends (the file's size as the writer knows it). */
  get activeSize(): number {
    return this.#file.size;
  }

  /** The open file (its size is the store's size as this writer knows it). */
  get file(): AppendFile {
    return this.#file;
  }

  /** Reopens the path, e.g. after an atomic rewrite replaced the file. */
  async reopen(): Promise<void> {
    const fresh = await AppendFile.open(this.#file.path, this.#options);
    await this.#file.close().catch(() => {});
    this.#file = fresh;
  }

  async writeBatch(batch: LineBatch, sync: boolean): Promise<void> {
    // `os`: written on the event loop (see AppendFile.write); `fsync`: on the thread pool.
    await this.#file.write(batchBytes(batch), !sync);
    if (sync) await this.#file.sync();
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}
