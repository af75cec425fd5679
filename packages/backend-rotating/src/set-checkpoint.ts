import {
  checkpointMatches,
  makeCheckpoint,
  readJsonFile,
  type ScanCheckpoint,
  scanCheckpointSchema,
  writeJsonAtomic,
} from "@papyra/ndjson";
import { z } from "zod";

const setCheckpointSchema = z.object({
  version: z.literal(1),
  segments: z.array(scanCheckpointSchema).max(10_000),
});

/**
 * Where the last clean scan of each segment ended, keyed by file identity (device and inode)
 * rather than by name: rotation renames a segment without changing it, so its checkpoint
 * stays valid and an incremental scan after a rotation reads only what is new.
 */
export class SetCheckpoint {
  readonly #segments: ScanCheckpoint[];

  private constructor(segments: ScanCheckpoint[]) {
    this.#segments = segments;
  }

  /**
   * Reads the checkpoint sidecar (or, when it holds none, the first-release one at
   * `legacyPath`); an empty checkpoint when neither is there and valid.
   */
  static async read(path: string, legacyPath?: string): Promise<SetCheckpoint> {
    for (const candidate of legacyPath === undefined ? [path] : [path, legacyPath]) {
      const parsed = setCheckpointSchema.safeParse(await readJsonFile(candidate));
      if (parsed.success) return new SetCheckpoint(parsed.data.segments);
    }
    return new SetCheckpoint([]);
  }

  /** The checkpoint that still describes the segment at `path`, or null (scan it whole). */
  async resumeFor(path: string, dev: number, ino: number): Promise<ScanCheckpoint | null> {
    const candidate = this.#segments.find((c) => c.dev === dev && c.ino === ino);
    if (!candidate) return null;
    return (await checkpointMatches(path, candidate)) ? candidate : null;
  }
}

/** One segment as a clean scan left it. */
export interface CleanSegment {
  path: string;
  endOffset: number;
  nextLine: number;
  records: number;
}

/** Stores where a clean scan of every segment ended. Never rejects (it is only an optimisation). */
export async function writeSetCheckpoint(path: string, segments: CleanSegment[]): Promise<void> {
  try {
    const checkpoints: ScanCheckpoint[] = [];
    for (const s of segments) {
      checkpoints.push(await makeCheckpoint(s.path, s.endOffset, s.nextLine, s.records));
    }
    await writeJsonAtomic(path, { version: 1, segments: checkpoints });
  } catch {
    // A missing checkpoint only means the next incremental scan reads everything.
  }
}
