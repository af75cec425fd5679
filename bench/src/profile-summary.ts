import { readFileSync } from "node:fs";

/** The parts of a V8 .cpuprofile this summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  const packages = url.match(/(packages|apps)\/([^/]+)\/dist\/(.+)$/);
  if (packages) return `${packages[2]}/${packages[3]}`;
  const modules = url.match(
    /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.+)$/,
  );
  if (modules) return `${modules[1]}/${modules[2]}`;
  return url.replace(/^file:\/\//, "").replace(/^.*\/bench\/dist\//, "bench/") || "(native)";
}

/**
 * Prints where a CPU profile spent its time: self time per function, self time per file, and
 * total (inclusive) time of Papyra's own functions. Usage: node dist/profile-summary.js FILE [N]
 */
function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error("usage: profile-summary FILE.cpuprofile [N]");
  const top = Number(topArg ?? 20);
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    self.set(id, (self.get(id) ?? 0) + delta);
    total += delta;
  });
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + time);
    const fileName = shortUrl(url);
    selfByFile.set(fileName, (selfByFile.get(fileName) ?? 0) + time);
    // Inclusive time: credit every distinct frame on the stack once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const f = frame.callFrame;
      const key = `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + time);
    }
  }
  const print = (
    title: string,
    map: Map<string, number>,
    filter?: (key: string) => boolean,
  ): void => {
    console.log(`\n${title}`);
    const rows = [...map].filter(([key]) => !filter || filter(key)).sort((a, b) => b[1] - a[1]);
    for (const [key, time] of rows.slice(0, top)) {
      console.log(
        `${((time / total) * 100).toFixed(1).padStart(5)}%  ${(time / 1000).toFixed(0).padStart(7)} ms  ${key}`,
      );
    }
  };
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  print("Self time by function", selfByFunction);
  print("Self time by file", selfByFile);
  print("Inclusive time, Papyra code", inclusive, (key) =>
    /^(\S+) (core|ndjson|backend-[a-z]+|cli)\//.test(key),
  );
}

main();
