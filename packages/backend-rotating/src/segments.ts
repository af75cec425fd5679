import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isSidecarFile, isTempFileOf, TEMP_MARKER } from "@papyra/ndjson";

/**
 * The naming of a rotation set: `path` is the active segment (index 0), `path.1` the newest
 * rotated one, `path.(maxFiles-1)` the oldest. Every other name `path.*` in the directory
 * belongs to the set's name space: it is either an auxiliary file of the first release
 * (`path.lock`, `path.metrics.json`, `path.scan.json`, migrated when a writer opens), an
 * orphaned rotated segment, or a leftover. The store's own sidecars and temp files are named
 * `.path.*`, outside that name space: the sidecars are auxiliary, temp files of rewrites
 * (`.path.tmp-*`, `.path.N.tmp-*`) are leftovers, and any other `.path*` name is not the set's.
 */
export class SegmentSet {
  readonly path: string;
  readonly maxFiles: number;
  readonly directory: string;
  readonly baseName: string;

  constructor(path: string, maxFiles: number) {
    this.path = path;
    this.maxFiles = maxFiles;
    this.directory = dirname(path);
    this.baseName = basename(path);
  }

  /** Path of segment `index` (0 = active, 1 = newest rotated). */
  segmentPath(index: number): string {
    return index === 0 ? this.path : `${this.path}.${index}`;
  }

  /**
   * Classifies one directory entry name relative to this set. The store's sidecars and the
   * short-lived files they are written through (`isSidecarFile` of @papyra/ndjson) are
   * auxiliary: never leftovers.
   */
  classify(name: string): EntryClass {
    if (name === this.baseName) return { type: "segment", index: 0 };
    if (isSidecarFile(this.baseName, name)) return { type: "auxiliary" };
    if (name.startsWith(`.${this.baseName}`)) {
      return this.#tempOf(name) ? { type: "unexpected" } : { type: "foreign" };
    }
    const prefix = `${this.baseName}.`;
    if (!name.startsWith(prefix)) return { type: "foreign" };
    const index = this.#segmentIndex(name);
    if (index !== null) {
      return index < this.maxFiles ? { type: "segment", index } : { type: "orphan", index };
    }
    return { type: "unexpected" };
  }

  /** The index of `name` as a segment or orphan of the set (`path`, `path.N`), or null. */
  #segmentIndex(name: string): number | null {
    if (name === this.baseName) return 0;
    const prefix = `${this.baseName}.`;
    const suffix = name.startsWith(prefix) ? name.slice(prefix.length) : "";
    return /^[1-9][0-9]{0,8}$/.test(suffix) ? Number(suffix) : null;
  }

  /**
   * True for a temp file of an atomic rewrite of a segment or orphan of the set, in either
   * naming: `.<segment>.tmp-*` (current) or `<segment>.tmp-*` (the first release).
   */
  #tempOf(name: string): boolean {
    const marker = name.indexOf(TEMP_MARKER);
    if (marker === -1) return false;
    const of = name.slice(0, marker);
    const segment = of.startsWith(`.${this.baseName}`) ? of.slice(1) : of;
    return this.#segmentIndex(segment) !== null && isTempFileOf(segment, name);
  }

  /** True for a temp file of an atomic rewrite (compaction, repair) of a segment or orphan, in either naming. */
  isTempFile(path: string): boolean {
    return this.#tempOf(basename(path));
  }

  /**
   * Lists the directory and sorts what belongs to the set. Directories are not looked at, so
   * a quarantine directory beside the store is never reported. A missing directory lists as empty.
   */
  async listDirectory(): Promise<DirectoryListing> {
    const listing: DirectoryListing = { segments: [], orphans: [], unexpected: [] };
    let entries: Dirent[];
    try {
      entries = await readdir(this.directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return listing;
      throw error;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) continue;
      const c = this.classify(entry.name);
      const path = join(this.directory, entry.name);
      if (c.type === "segment") listing.segments.push({ index: c.index, path });
      else if (c.type === "orphan") listing.orphans.push({ index: c.index, path });
      else if (c.type === "unexpected") listing.unexpected.push(path);
    }
    // Oldest first: higher index is older, the active segment (0) last.
    listing.segments.sort((a, b) => b.index - a.index);
    listing.orphans.sort((a, b) => a.index - b.index);
    listing.unexpected.sort();
    return listing;
  }
}

/** What one directory entry is to a rotation set. */
export type EntryClass =
  | { type: "segment"; index: number }
  | { type: "orphan"; index: number }
  | { type: "auxiliary" }
  | { type: "unexpected" }
  | { type: "foreign" };

/** A segment file found on disk. */
export interface SegmentFile {
  index: number;
  path: string;
}

/** The set's files as found in its directory. */
export interface DirectoryListing {
  /** Segments within the set, oldest first (gaps left by an interrupted rotation are fine). */
  segments: SegmentFile[];
  /** Files named like rotated segments beyond `maxFiles - 1`. */
  orphans: SegmentFile[];
  /** Other files in the set's name space: temp files and leftovers. */
  unexpected: string[];
}

/** True for a temp file of an atomic rewrite (compaction, repair) of a segment or orphan of `set`. */
export function isSegmentTempFile(set: SegmentSet, path: string): boolean {
  return set.isTempFile(path);
}
