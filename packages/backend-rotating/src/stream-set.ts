import { stat } from "node:fs/promises";
import { type IterateQuery, normalizeIterateQuery, type StreamedRecord } from "@papyra/core";
import {
  closePinned,
  type IterateFilesOptions,
  iterateFiles,
  type PinnedFile,
  pinFiles,
} from "@papyra/ndjson";
import type { SegmentSet } from "./segments.js";

/** Pinning is retried when a rotation moved files while they were being opened. */
const MAX_PIN_ATTEMPTS = 5;

/**
 * Opens every segment of the set, oldest first, such that each handle is the file its name
 * held at one instant: a rotation racing the opens is detected (a name now holds another
 * file) and the opens are retried, so the read neither skips nor repeats a segment.
 */
async function pinSegments(set: SegmentSet): Promise<PinnedFile[]> {
  let pinned: PinnedFile[] = [];
  for (let attempt = 1; attempt <= MAX_PIN_ATTEMPTS; attempt++) {
    const paths = (await set.listDirectory()).segments.map((s) => s.path);
    pinned = await pinFiles(paths);
    let stable = pinned.length === paths.length;
    for (let i = 0; stable && i < pinned.length; i++) {
      const now = await stat(paths[i] as string).catch(() => null);
      stable = now !== null && now.ino === (await (pinned[i] as PinnedFile).handle.stat()).ino;
    }
    if (stable || attempt === MAX_PIN_ATTEMPTS) return pinned;
    await closePinned(pinned);
  }
  return pinned;
}

/** Streams the set's records oldest first in bounded memory (see `iterateFiles`). */
export async function* iterateSet(
  set: SegmentSet,
  query: IterateQuery | undefined,
  options: IterateFilesOptions,
): AsyncGenerator<StreamedRecord> {
  const checked = normalizeIterateQuery(query);
  const pinned = await pinSegments(set);
  try {
    yield* iterateFiles(pinned, checked, options);
  } finally {
    await closePinned(pinned);
  }
}
