import { stat } from "node:fs/promises";
import {
  AppendFile,
  type BatchSink,
  BatchWriteError,
  batchBytes,
  fsyncDirectory,
  type LineBatch,
  sealTornTail,
  storeFs,
} from "@papyra/ndjson";
import type { AppendFs } from "@papyra/ndjson/testing";
import { planBatch } from "./rotation-plan.js";
import type { SegmentSet } from "./segments.js";

/** Options of {@link RotatingSink.open}. */
export interface RotatingSinkOptions {
  /** Size limit of one segment. */
  maxBytes: number;
  /** File-descriptor calls of the append path (tests inject faults here). */
  fs?: AppendFs;
}

/**
 * A group-commit sink over a rotation set: appends to the active segment and rotates before
 * the write that would take it past `maxBytes`, splitting a batch across the boundary.
 *
 * Rotation: fsync and close the active segment, rename `.N-2` → `.N-1` (replacing, so
 * deleting, the oldest) … `.1` → `.2`, `path` → `.1`, open a new `path`, fsync the directory.
 * A line larger than `maxBytes` is never split: it gets a segment of its own.
 * Renames go from the oldest end, so a crash between two of them leaves a gap in the
 * numbering but every segment in order, with nothing lost or duplicated; readers skip gaps and
 * the next rotation closes them.
 */
export class RotatingSink implements BatchSink {
  readonly #set: SegmentSet;
  readonly #maxBytes: number;
  readonly #fs: AppendFs | undefined;
  #file: AppendFile | null;
  #rotations = 0;

  private constructor(set: SegmentSet, options: RotatingSinkOptions, file: AppendFile) {
    this.#set = set;
    this.#maxBytes = options.maxBytes;
    this.#fs = options.fs;
    this.#file = file;
  }

  /**
   * Opens (creating if missing) the active segment for appending and ends a torn last line
   * left by a crash, so the next record is never glued to it. Rejects with the raw fs error.
   */
  static async open(set: SegmentSet, options: RotatingSinkOptions): Promise<RotatingSink> {
    const existed = (await stat(set.path).catch(() => null)) !== null;
    const file = await AppendFile.open(set.path, { fs: options.fs });
    try {
      await sealTornTail(file);
      // A new file's directory entry must be on disk before records in it are called durable.
      if (!existed) await fsyncDirectory(set.directory);
    } catch (error) {
      await file.close().catch(() => {});
      throw error;
    }
    return new RotatingSink(set, options, file);
  }

  get location(): string {
    return this.#set.path;
  }

  /** Size of the active segment as this writer knows it (complete batches only); undefined while no file is open. */
  get activeSize(): number | undefined {
    return this.#file?.size;
  }

  /** How many rotations this sink made. */
  get rotations(): number {
    return this.#rotations;
  }

  async writeBatch(batch: LineBatch, sync: boolean): Promise<void> {
    let committed = 0;
    try {
      const file = await this.#activeFile();
      const chunks = planBatch(batch.sizes, file.size, this.#maxBytes);
      for (const chunk of chunks) {
        if (chunk.rotateFirst) await this.rotate(sync);
        const active = await this.#activeFile();
        // `os`: written on the event loop (see AppendFile.write); `fsync`: on the thread pool.
        await active.write(batchBytes(batch, chunk.start, chunk.end), !sync);
        if (sync) await active.sync();
        committed = chunk.end;
      }
    } catch (error) {
      throw new BatchWriteError(committed, error);
    }
  }

  /**
   * Rotates the set now (see the class comment). `durable` (the `fsync` durability) also
   * fsyncs the full segment and the directory so the rotation survives power loss; `os`
   * durability promises only to survive a process crash, which renames already do.
   */
  async rotate(durable = true): Promise<void> {
    const current = this.#file;
    if (current) {
      if (durable) await current.sync();
      this.#file = null;
      await current.close();
    }
    try {
      const { segments } = await this.#set.listDirectory();
      // Oldest first, so each rename goes to a free name or over the oldest segment.
      for (const segment of segments) {
        if (segment.index >= this.#set.maxFiles - 1) continue;
        await renameIfPresent(segment.path, this.#set.segmentPath(segment.index + 1));
      }
      await this.#enforceBudget();
    } finally {
      // Whatever happened, write on into whatever file is now at `path`.
      this.#file = await AppendFile.open(this.#set.path, { fs: this.#fs }).catch(() => null);
    }
    if (!this.#file) await this.#activeFile();
    // One directory fsync makes the renames, deletions and the new file durable together.
    if (durable) await fsyncDirectory(this.#set.directory);
    this.#rotations += 1;
  }

  /**
   * Deletes the oldest rotated segments while they hold more than maxBytes × (maxFiles - 1).
   * Only segments holding a single record larger than maxBytes (or written under a larger
   * maxBytes) can make that happen; it keeps the whole set within maxBytes × maxFiles plus one
   * record, the active segment's.
   */
  async #enforceBudget(): Promise<void> {
    const budget = this.#maxBytes * (this.#set.maxFiles - 1);
    const rotated: { path: string; size: number }[] = [];
    // Oldest first; only segments present (gaps and a large maxFiles cost nothing).
    for (const segment of (await this.#set.listDirectory()).segments) {
      if (segment.index === 0) continue;
      const st = await stat(segment.path).catch(() => null);
      if (st) rotated.push({ path: segment.path, size: st.size });
    }
    let total = rotated.reduce((sum, s) => sum + s.size, 0);
    for (const segment of rotated) {
      if (total <= budget) break;
      await storeFs()
        .unlink(segment.path)
        .catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        });
      total -= segment.size;
    }
  }

  /** Reopens the active segment, e.g. after compaction or repair replaced it. */
  async reopen(): Promise<void> {
    const fresh = await AppendFile.open(this.#set.path, { fs: this.#fs });
    const old = this.#file;
    this.#file = fresh;
    await old?.close().catch(() => {});
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = null;
    await file?.close();
  }

  /** The open active segment, reopened when an earlier failure left none. */
  async #activeFile(): Promise<AppendFile> {
    if (!this.#file) this.#file = await AppendFile.open(this.#set.path, { fs: this.#fs });
    return this.#file;
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await storeFs().rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
