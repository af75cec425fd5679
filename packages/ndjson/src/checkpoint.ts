import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { z } from "zod";
import { readJsonFile, writeJsonAtomic } from "./json-file.js";

/** How many bytes before a checkpoint's offset are hashed to recognise the same content. */
export const CHECKPOINT_HASH_BYTES: number = 64 * 1024;

/**
 * Where the last clean full scan of a file ended: its offset, line number, the file's identity
 * and a hash of the bytes just before the offset. An incremental scan resumes there when
 * the identity and the hash still match.
 */
export interface ScanCheckpoint {
  offset: number;
  nextLine: number;
  /** Valid records before `offset`. */
  records: number;
  dev: number;
  ino: number;
  /** sha256 (hex) of the up to {@link CHECKPOINT_HASH_BYTES} bytes before `offset`. */
  hash: string;
}

/** zod schema of a {@link ScanCheckpoint}, for validating checkpoints read back from disk. */
export const scanCheckpointSchema: z.ZodType<ScanCheckpoint> = z.object({
  offset: z.number().int().nonnegative(),
  nextLine: z.number().int().positive(),
  records: z.number().int().nonnegative(),
  dev: z.number(),
  ino: z.number(),
  hash: z.string(),
});

async function hashBefore(
  path: string,
  offset: number,
): Promise<{ hash: string; dev: number; ino: number; size: number }> {
  const handle = await open(path, "r");
  try {
    const st = await handle.stat();
    const length = Math.min(offset, CHECKPOINT_HASH_BYTES);
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buffer, done, length - done, offset - length + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    const hash = createHash("sha256")
      .update(buffer.subarray(0, done))
      .update(String(offset))
      .digest("hex");
    return { hash, dev: st.dev, ino: st.ino, size: st.size };
  } finally {
    await handle.close();
  }
}

/** Computes the checkpoint of `path` at `offset` (the end of a clean full scan). */
export async function makeCheckpoint(
  path: string,
  offset: number,
  nextLine: number,
  records: number,
): Promise<ScanCheckpoint> {
  const { hash, dev, ino } = await hashBefore(path, offset);
  return { offset, nextLine, records, dev, ino, hash };
}

/** Stores a checkpoint in its sidecar file (atomically). */
export async function writeCheckpoint(
  checkpointPath: string,
  checkpoint: ScanCheckpoint,
): Promise<void> {
  await writeJsonAtomic(checkpointPath, checkpoint);
}

/** Reads a checkpoint sidecar; null when missing or not a valid checkpoint. */
export async function readCheckpoint(checkpointPath: string): Promise<ScanCheckpoint | null> {
  const parsed = scanCheckpointSchema.safeParse(await readJsonFile(checkpointPath));
  return parsed.success ? parsed.data : null;
}

/**
 * Whether `checkpoint` still describes `path`: same device and inode, the file at least as
 * long, and the same bytes before the offset. Any doubt (an error included) answers false,
 * which means a full scan.
 */
export async function checkpointMatches(
  path: string,
  checkpoint: ScanCheckpoint,
): Promise<boolean> {
  try {
    const now = await hashBefore(path, checkpoint.offset);
    return (
      now.dev === checkpoint.dev &&
      now.ino === checkpoint.ino &&
      now.size >= checkpoint.offset &&
      now.hash === checkpoint.hash
    );
  } catch {
    return false;
  }
}
