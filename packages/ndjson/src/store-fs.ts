import * as fs from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { type AppendFs, nodeAppendFs } from "./append-fs.js";

/**
 * Every call by which the file stores change what is on disk: the append path's descriptor
 * calls ({@link AppendFs}) plus creating, syncing, renaming, linking and removing files and
 * directories, for atomic rewrites, rotation, the writer lock, quarantine and the sidecars.
 * Reads go to `node:fs` directly: they change nothing a power cut could lose. The power-loss
 * explorer (`@papyra/ndjson/testing`) swaps in a recording layer; {@link nodeStoreFs} is the
 * real thing.
 */
export interface StoreFs extends AppendFs {
  /** fsync(2) of an open file (data and metadata). */
  fsync(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** link(2): rejects with EEXIST when `to` exists. */
  link(from: string, to: string): Promise<void>;
  /** mkdir(2) of one directory (EEXIST when present). */
  mkdir(path: string, mode?: number): Promise<void>;
  /** Copies a file's bytes into a new file `to` (fails when `to` exists). Not synced. */
  copyFile(from: string, to: string): Promise<void>;
  /** fsync(2) of a directory, so creates, renames and unlinks in it survive power loss. */
  fsyncDirectory(dir: string): Promise<void>;
}

const fsyncAsync = promisify(fs.fsync);
const openAsync = promisify(fs.open);
const closeAsync = promisify(fs.close);

/** {@link StoreFs} backed by `node:fs`. */
export const nodeStoreFs: StoreFs = {
  ...nodeAppendFs,
  fsync: (fd) => fsyncAsync(fd),
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (path) => fs.promises.unlink(path),
  link: (from, to) => fs.promises.link(from, to),
  mkdir: async (path, mode) => {
    await fs.promises.mkdir(path, { mode });
  },
  copyFile: (from, to) => fs.promises.copyFile(from, to, fs.constants.COPYFILE_EXCL),
  fsyncDirectory: async (dir) => {
    const fd = await openAsync(dir, "r");
    try {
      await fsyncAsync(fd);
    } catch (error) {
      // Some file systems refuse fsync on directories; the change itself already happened.
      if ((error as NodeJS.ErrnoException).code !== "EINVAL") throw error;
    } finally {
      await closeAsync(fd);
    }
  },
};

let active: StoreFs = nodeStoreFs;

/** The file-system layer the stores use now ({@link nodeStoreFs} unless a test swapped it). */
export function storeFs(): StoreFs {
  return active;
}

/**
 * Swaps the layer for every store of this process (tests only, through
 * `@papyra/ndjson/testing`); returns the previous one so it can be put back.
 */
export function setStoreFs(layer: StoreFs): StoreFs {
  const previous = active;
  active = layer;
  return previous;
}

/** Creates every missing directory of `dir` (like `mkdir -p`), through the layer; returns those it made, outermost first. */
export async function makeDirectories(dir: string, mode?: number): Promise<string[]> {
  const made: string[] = [];
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const st = await fs.promises.stat(current).catch(() => null);
    if (st) {
      if (!st.isDirectory()) {
        throw Object.assign(new Error(`${current} is not a directory`), { code: "ENOTDIR" });
      }
      break;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing) {
    try {
      await active.mkdir(path, mode);
      made.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return made;
}
