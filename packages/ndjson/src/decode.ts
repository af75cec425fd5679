import { type DecodedLine, decodeLine } from "@papyra/core";

/** Lines longer than this (in bytes, without the newline) are CORRUPTED_LINE and never buffered whole. */
export const DEFAULT_MAX_LINE_BYTES: number = 16 * 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Classifies a stored line's bytes (without its newline) the way {@link decodeLine} does, and
 * also treats invalid UTF-8 and oversized lines (`bytes === null`) as `corrupt`. Never throws.
 */
export function decodeLineBytes(bytes: Uint8Array | null): DecodedLine {
  if (bytes === null) return { type: "corrupt", detail: "line is longer than the line size limit" };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { type: "corrupt", detail: "line is not valid UTF-8" };
  }
  return decodeLine(text);
}

/** True when a decoded line is a record worth keeping (a known or an unknown kind). */
export function isKeptRecord(
  decoded: DecodedLine,
): decoded is Extract<DecodedLine, { type: "record" | "unknown_kind" }> {
  return decoded.type === "record" || decoded.type === "unknown_kind";
}
