import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository's root. */
export const ROOT: string = join(import.meta.dirname, "..", "..", "..");

/** One fenced block of the guide, marked `<!-- check: KIND NAME -->` just before it. */
export interface Block {
  kind: string;
  name: string;
  code: string;
}

/** Every marked block of docs/operators.md, in order. */
export function guideBlocks(): Block[] {
  const text = readFileSync(join(ROOT, "docs", "operators.md"), "utf8");
  const pattern = /<!-- check: (\S+)(?: (\S+))? -->\s*```[\w-]*\n([\s\S]*?)```/g;
  return [...text.matchAll(pattern)].map(([, kind, name, code]) => ({
    kind: kind as string,
    name: name ?? "",
    code: code as string,
  }));
}

/** The one block of this kind (and name, when given); throws when there is not exactly one. */
export function block(kind: string, name?: string): Block {
  const found = guideBlocks().filter(
    (b) => b.kind === kind && (name === undefined || b.name === name),
  );
  if (found.length !== 1) {
    throw new Error(
      `docs/operators.md has ${found.length} blocks marked "check: ${kind} ${name ?? ""}"`,
    );
  }
  return found[0] as Block;
}

/** The guide's text. */
export function guideText(): string {
  return readFileSync(join(ROOT, "docs", "operators.md"), "utf8");
}
