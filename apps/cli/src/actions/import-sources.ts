import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { PersistenceNotFoundError } from "@papyra/core";

/** Lines longer than this are invalid and never held whole (the file stores' default limit). */
export const MAX_IMPORT_LINE_BYTES = 16 * 1024 * 1024;

/** Where an import reads from: files oldest first, or stdin. */
export interface ImportSources {
  /** Absolute paths, oldest first (a rotation set: `FILE.N` … `FILE.1`, `FILE`); empty for stdin. */
  files: string[];
  stdin: boolean;
  /** Bytes in the files, for progress (unknown for stdin). */
  totalBytes: number | undefined;
}

/** One line of a source, numbered from 1 in its own file. */
export interface SourceLine {
  /** The file it came from (`-` for stdin). */
  file: string;
  line: number;
  /** The line's bytes without its newline; null when longer than the limit. */
  bytes: Buffer | null;
}

/**
 * The files `FILE` names: `-` is stdin; a file with rotated segments beside it (`FILE.1`,
 * `FILE.2` …, as the rotating store and the earlier Python implementation name them) is read
 * as the whole set, oldest first, unless `singleFile`. A missing FILE is PAPYRA_NOT_FOUND (66).
 */
export async function resolveSources(
  file: string,
  cwd: string,
  singleFile: boolean,
): Promise<ImportSources> {
  if (file === "-") return { files: [], stdin: true, totalBytes: undefined };
  const path = resolve(cwd, file);
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) {
    throw new PersistenceNotFoundError(path, `No file to import at ${path}.`);
  }
  const files = [path];
  let totalBytes = st.size;
  if (!singleFile) {
    const prefix = `${basename(path)}.`;
    const rotated: { index: number; path: string }[] = [];
    for (const name of await readdir(dirname(path))) {
      const suffix = name.startsWith(prefix) ? name.slice(prefix.length) : "";
      if (!/^[1-9][0-9]{0,8}$/.test(suffix)) continue;
      const segment = join(dirname(path), name);
      const segmentStat = await stat(segment).catch(() => null);
      if (!segmentStat?.isFile()) continue;
      rotated.push({ index: Number(suffix), path: segment });
      totalBytes += segmentStat.size;
    }
    rotated.sort((a, b) => b.index - a.index);
    files.unshift(...rotated.map((r) => r.path));
  }
  return { files, stdin: false, totalBytes };
}

/**
 * Splits a byte stream into lines (a last line without newline included), in memory bounded
 * by the line limit; `onBytes` is told how many bytes were read.
 */
async function* linesOf(
  input: AsyncIterable<Buffer | string>,
  file: string,
  onBytes: (bytes: number) => void,
): AsyncGenerator<SourceLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let oversized = false;
  let line = 1;
  for await (const raw of input) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    onBytes(chunk.length);
    let from = 0;
    while (from < chunk.length) {
      const nl = chunk.indexOf(0x0a, from);
      const stop = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(from, stop);
      if (!oversized) {
        if (length + piece.length > MAX_IMPORT_LINE_BYTES) {
          oversized = true;
          parts = [];
        } else if (piece.length > 0) {
          parts.push(piece);
        }
      }
      length += piece.length;
      if (nl === -1) break;
      yield { file, line, bytes: oversized ? null : Buffer.concat(parts) };
      line += 1;
      parts = [];
      length = 0;
      oversized = false;
      from = nl + 1;
    }
  }
  if (length > 0) yield { file, line, bytes: oversized ? null : Buffer.concat(parts) };
}

/** Every line of the sources, file after file. */
export async function* sourceLines(
  sources: ImportSources,
  stdin: NodeJS.ReadableStream,
  onBytes: (bytes: number) => void,
): AsyncGenerator<SourceLine> {
  if (sources.stdin) {
    yield* linesOf(stdin as AsyncIterable<Buffer | string>, "-", onBytes);
    return;
  }
  for (const file of sources.files) {
    yield* linesOf(createReadStream(file, { highWaterMark: 256 * 1024 }), file, onBytes);
  }
}
