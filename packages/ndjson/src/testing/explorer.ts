import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CrashModel, type CrashState, type FileChoice, type StateChoice } from "./crash-model.js";
import type { FsLog } from "./fs-log.js";

/** What a check knows of the instant of the cut: the workload markers logged before it. */
export interface CutContext {
  /** Index of the first op not executed (0: before anything). */
  cut: number;
  /** Markers logged before the cut, in order (e.g. `ack:<id>`). */
  marks: readonly string[];
}

/** Checks one state materialised in `dir` as a restarted service meets it; returns the problems found (none: passed). */
export type StateCheck = (dir: string, context: CutContext) => Promise<string[]>;

/** Options of {@link exploreCrashStates}. */
export interface ExploreOptions {
  /** `enumerate`: every distinct state at every cut (up to `maxStates`); `sample`: `samples` random ones. */
  mode: "enumerate" | "sample";
  /** States to draw when sampling. Default 1000. */
  samples?: number;
  /** Seed of the sampler (printed with every failure, so it can be replayed). Default: random. */
  seed?: number;
  /** Page size at which enumerated unsynced writes may tear. Default 4096 (sampling tears at any byte). */
  granularity?: number;
  /** Stop enumerating after this many distinct states (the result says it stopped). Default 20000. */
  maxStates?: number;
  /** Stop after this many checks (states × cut contexts). Default: no limit. */
  maxChecks?: number;
  /** Stop after this many failures. Default 5. */
  maxFailures?: number;
  /** Where states are materialised (a fresh temp dir each). Default: the OS temp dir. */
  tempRoot?: string;
}

/** One state that failed its check, with what replays it. */
export interface CrashFailure {
  cut: number;
  /** Sample number under `seed` (sampling), or the enumeration order. */
  index: number;
  problems: string[];
  /** The files of the state: path → size (-1: directory). */
  files: Record<string, number>;
}

/** What {@link exploreCrashStates} did. */
export interface ExploreResult {
  seed: number;
  /** States checked (distinct states × the cut contexts they occur in). */
  checked: number;
  /** Distinct file-system states met. */
  distinct: number;
  /** True when enumeration covered every state (not stopped by `maxStates` or `maxChecks`). */
  complete: boolean;
  failures: CrashFailure[];
}

/** A small seeded PRNG (mulberry32): the same seed draws the same states. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* product<T>(lists: T[][]): Generator<T[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = lists as [T[], ...T[][]];
  for (const head of first) for (const tail of product(rest)) yield [head, ...tail];
}

function stateKey(state: CrashState): string {
  const hash = createHash("sha1");
  for (const [path, bytes] of state) {
    hash.update(path).update("\0");
    hash.update(bytes === null ? "<dir>" : createHash("sha1").update(bytes).digest("hex"));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Writes a state to a fresh directory on disk. Files get an mtime a minute back: a restart after a power cut takes longer than that. */
export async function materialiseState(
  state: CrashState,
  tempRoot: string = tmpdir(),
): Promise<string> {
  const dir = await mkdtemp(join(tempRoot, "papyra-crash-"));
  const past = new Date(Date.now() - 60_000);
  for (const [path, bytes] of state) {
    const full = join(dir, path);
    if (bytes === null) await mkdir(full, { recursive: true });
    else {
      await writeFile(full, bytes);
      await utimes(full, past, past);
    }
  }
  return dir;
}

/**
 * Explores the power-cut states of `log` (see {@link CrashModel} for the model): at every cut
 * point, every distinct state (`enumerate`) or `samples` random ones (`sample`, seeded), each
 * materialised in a temp dir on real disk and handed to `check`, then removed.
 */
export async function exploreCrashStates(
  log: FsLog,
  check: StateCheck,
  options: ExploreOptions,
): Promise<ExploreResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const granularity = options.granularity ?? 4096;
  const maxStates = options.maxStates ?? 20_000;
  const maxFailures = options.maxFailures ?? 5;
  const maxChecks = options.maxChecks ?? Number.POSITIVE_INFINITY;
  const result: ExploreResult = { seed, checked: 0, distinct: 0, complete: true, failures: [] };
  const seen = new Set<string>();
  const distinct = new Set<string>();
  const ops = log.ops;

  const runCheck = async (state: CrashState, context: CutContext, index: number) => {
    const key = stateKey(state);
    distinct.add(key);
    const contextKey = `${key}|${context.marks.length}`;
    if (seen.has(contextKey)) return;
    seen.add(contextKey);
    const dir = await materialiseState(state, options.tempRoot);
    try {
      result.checked += 1;
      const problems = await check(dir, context);
      if (problems.length > 0) {
        const files: Record<string, number> = {};
        for (const [path, bytes] of state) files[path] = bytes === null ? -1 : bytes.length;
        result.failures.push({ cut: context.cut, index, problems, files });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  if (options.mode === "sample") {
    const samples = options.samples ?? 1000;
    // Cut points for each sample, sorted so the log is replayed once. A cut lands just after a
    // random change (not a marker), then somewhere in the run of markers that follows it, so
    // the draws spread over the changes however many markers a workload logs.
    const changes = ops.flatMap((op, index) => (op.op === "mark" ? [] : [index]));
    const drawCut = (): number => {
      const change = changes[Math.floor(random() * changes.length)];
      if (change === undefined) return Math.floor(random() * (ops.length + 1));
      let run = 0;
      while (ops[change + 1 + run]?.op === "mark") run += 1;
      return change + 1 + Math.floor(random() * (run + 1));
    };
    const cuts = Array.from({ length: samples }, drawCut);
    const order = cuts.map((cut, index) => ({ cut, index })).sort((a, b) => a.cut - b.cut);
    const model = new CrashModel(log);
    const marks: string[] = [];
    let at = 0;
    for (const { cut, index } of order) {
      while (at < cut) {
        const op = ops[at++];
        if (op === undefined) break;
        if (op.op === "mark") marks.push(op.label);
        model.apply(op);
      }
      const draw = seededRandom(seed ^ Math.imul(index + 1, 0x9e3779b1));
      const dirs = new Map<string, number>();
      for (const [path, count] of model.pendingDirs())
        dirs.set(path, Math.floor(draw() * (count + 1)));
      const files = new Map<number, FileChoice>();
      for (const inode of model.reachablePendingFiles(dirs))
        files.set(inode, model.randomFileChoice(inode, draw));
      await runCheck(model.materialise({ dirs, files }), { cut, marks: [...marks] }, index);
      if (result.failures.length >= maxFailures || result.checked >= maxChecks) break;
    }
    result.distinct = distinct.size;
    return result;
  }

  const model = new CrashModel(log);
  const marks: string[] = [];
  let index = 0;
  for (let cut = 0; cut <= ops.length; cut++) {
    const context = { cut, marks: [...marks] };
    const pendingDirs = [...model.pendingDirs()];
    const dirLists = pendingDirs.map(([, count]) => Array.from({ length: count + 1 }, (_, i) => i));
    for (const dirPick of product(dirLists)) {
      const dirs = new Map(pendingDirs.map(([path], i) => [path, dirPick[i] as number]));
      const inodes = model.reachablePendingFiles(dirs);
      const fileLists = inodes.map((inode) => model.fileChoices(inode, granularity));
      for (const filePick of product(fileLists)) {
        const choice: StateChoice = {
          dirs,
          files: new Map(inodes.map((inode, i) => [inode, filePick[i] as FileChoice])),
        };
        await runCheck(model.materialise(choice), context, index++);
        if (result.failures.length >= maxFailures) break;
        if (distinct.size >= maxStates || result.checked >= maxChecks) {
          result.complete = false;
          break;
        }
      }
      if (result.failures.length >= maxFailures || !result.complete) break;
    }
    if (result.failures.length >= maxFailures || !result.complete) break;
    const op = ops[cut];
    if (op === undefined) break;
    if (op.op === "mark") marks.push(op.label);
    model.apply(op);
  }
  result.distinct = distinct.size;
  return result;
}
