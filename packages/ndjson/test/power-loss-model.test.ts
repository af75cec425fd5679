import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CrashModel,
  type CrashState,
  exploreCrashStates,
  type FsLog,
  recordWorkload,
} from "../src/testing.js";
import { AppendFile, atomicRewrite } from "./support/internals.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "papyra-model-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The contents of `f` in every state the model allows at any cut of `log` ("<none>": no file). */
async function statesOfF(log: FsLog): Promise<Set<string>> {
  const states = new Set<string>();
  await exploreCrashStates(
    log,
    async (stateDir) => {
      states.add(await readFile(join(stateDir, "f"), "utf8").catch(() => "<none>"));
      return [];
    },
    { mode: "enumerate", granularity: 4 },
  );
  return states;
}

describe("the crash model", () => {
  it("keeps synced data, and any page prefix (or zeros) of an unsynced append", async () => {
    const recorded = await recordWorkload(dir, async () => {
      const file = await AppendFile.open(join(dir, "f"));
      await file.write(Buffer.from("synced\n"));
      await file.sync();
      await file.write(Buffer.from("later\n"));
      await file.close();
    });
    // The create was never made durable by a directory fsync: the file may be gone at any cut.
    // Before the sync, the first write may be missing, torn at a 4-byte "page", or zeros.
    expect(await statesOfF(recorded.log)).toEqual(
      new Set([
        "<none>",
        "",
        "sync",
        "\0\0\0\0\0\0\0",
        "synced\n",
        "synced\nl",
        "synced\nlater",
        "synced\nlater\n",
        "synced\n\0\0\0\0\0\0",
      ]),
    );
  });

  it("an atomic rewrite leaves the old or the new content, never a torn one", async () => {
    await writeFile(join(dir, "f"), "old content\n");
    const recorded = await recordWorkload(dir, async () => {
      await atomicRewrite(join(dir, "f"), async (out) => {
        await out.write(Buffer.from("new content, longer\n"));
        return true;
      });
    });
    expect(await statesOfF(recorded.log)).toEqual(
      new Set(["old content\n", "new content, longer\n"]),
    );
  });

  it("without the temp file's fdatasync, a rewrite could leave a torn file (the mutation the explorer catches)", async () => {
    await writeFile(join(dir, "f"), "old content\n");
    const rewrite = () =>
      atomicRewrite(join(dir, "f"), async (out) => {
        await out.write(Buffer.from("new content, longer\n"));
        return true;
      });
    const sites = (await recordWorkload(dir, rewrite)).syncSites;
    const fileSync = sites.find((site) => !site.startsWith("fsyncDirectory"));
    expect(fileSync).toBeDefined();
    await writeFile(join(dir, "f"), "old content\n");
    const mutated = await recordWorkload(dir, rewrite, { dropSyncAt: fileSync });
    const states = await statesOfF(mutated.log);
    expect(states).toContain("");
    expect(states).toContain("new ");
  });

  it("a rename persists only with its directory's fsync, atomically", () => {
    const model = new CrashModel({
      baseline: new Map([
        ["a", { inode: 1, bytes: Buffer.from("A") }],
        ["b", { inode: 2, bytes: Buffer.from("B") }],
      ]),
    });
    model.apply({ op: "rename", from: "a", to: "b" });
    const show = (state: CrashState) =>
      [...state].map(([p, c]) => `${p}=${c?.toString()}`).join(" ");
    const states = [0, 1].map((n) =>
      show(model.materialise({ dirs: new Map([["", n]]), files: new Map() })),
    );
    expect(states).toEqual(["a=A b=B", "b=A"]);
    model.apply({ op: "fsyncdir", path: "", site: "test" });
    expect(model.pendingDirs().size).toBe(0);
    expect(show(model.materialise({ dirs: new Map(), files: new Map() }))).toBe("b=A");
  });
});
