import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir } from "./helpers.js";

const run = promisify(execFile);
const PACKAGE = join(import.meta.dirname, "..");

/** The README's ```js and ```ts blocks, in order. They are plain JavaScript, so node runs them as is. */
async function examples(): Promise<string[]> {
  const text = await readFile(join(PACKAGE, "README.md"), "utf8");
  return [...text.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe("README examples", () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(join(PACKAGE, "dist/index.js"))) {
      throw new Error("build first: pnpm --filter @papyra/backend-rotating build");
    }
    dir = await makeTempDir("papyra-rot-readme-");
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it("run one after the other in the same directory and print what they say", async () => {
    const blocks = await examples();
    expect(blocks.length).toBe(2);
    const outputs: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const file = join(dir, `example-${i}.mjs`);
      const entry = pathToFileURL(join(PACKAGE, "dist/index.js")).href;
      const core = pathToFileURL(join(PACKAGE, "node_modules/@papyra/core/dist/index.js")).href;
      await writeFile(
        file,
        block
          .replaceAll('"@papyra/backend-rotating"', JSON.stringify(entry))
          .replaceAll('"@papyra/core"', JSON.stringify(core)),
      );
      const { stdout } = await run(process.execPath, [file], { cwd: dir });
      outputs.push(stdout);
    }
    expect(outputs[0]).toContain("'billing:invoice-999'");
    expect(outputs[0]).toContain("[]");
    expect(outputs[1]).toContain("before_records: 1000");
    expect(outputs[1]).toContain("after_records: 100");
    expect(outputs[1]).toMatch(/\n1000\n$/);
  }, 60_000);
});
