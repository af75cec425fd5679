import { readFile } from "node:fs/promises";
import { atomicRewrite, siblingTempPathFor } from "./atomic-rewrite.js";

/**
 * Writes a small JSON document atomically (temp file `<path>.tmp-<pid>-<random>`, fsync,
 * rename, fsync of the directory), for sidecars such as metrics and scan checkpoints.
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const bytes = Buffer.from(`${JSON.stringify(value)}\n`, "utf8");
  await atomicRewrite(
    path,
    async (out) => {
      await out.write(bytes);
      return true;
    },
    { tempPath: siblingTempPathFor(path) },
  );
}

/** Reads a JSON document; null when the file is missing or not valid JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
