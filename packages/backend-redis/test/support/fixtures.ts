import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** Lines of the store the earlier (Python) implementation wrote, as it wrote them. */
export function pythonLines(): string[] {
  return readFileSync(`${dir}json-store.ndjson`, "utf8").split("\n").filter(Boolean);
}

/**
 * Lines of the earlier implementation's rotating store, oldest segment first: `kind` last,
 * non-ASCII as `\uXXXX` escapes.
 */
export function pythonEscapedLines(): string[] {
  return ["papyra.log.3", "papyra.log.2", "papyra.log.1", "papyra.log"].flatMap((name) =>
    readFileSync(`${dir}rotating/${name}`, "utf8").split("\n").filter(Boolean),
  );
}

/** What a correct reader returns from those lines, by kind, oldest first. */
export function pythonExpected(): Record<"events" | "audits" | "dead_letters", unknown[]> {
  return JSON.parse(readFileSync(`${dir}expected.json`, "utf8"));
}
