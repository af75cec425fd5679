import { requireBackend } from "../backends.js";
import type { TailResult } from "../tasks.js";

/** Times `listEvents({ limit: 100 })` on a JSON store: the newest 100 of a big file. */
export async function runTail(task: { path: string; calls: number }): Promise<TailResult> {
  const open = await requireBackend("json");
  const t0 = performance.now();
  const backend = await open({ path: task.path });
  const t1 = performance.now();
  try {
    const first = await backend.listEvents({ limit: 100 });
    const t2 = performance.now();
    if (first.length !== 100)
      throw new Error(`listEvents returned ${first.length} records, not 100`);
    for (let i = 0; i < 10; i++) await backend.listEvents({ limit: 100 });
    const samples: number[] = [];
    for (let i = 0; i < task.calls; i++) {
      const start = performance.now();
      await backend.listEvents({ limit: 100 });
      samples.push(performance.now() - start);
    }
    return { samples, openMs: t1 - t0, firstCallMs: t2 - t1, returned: first.length };
  } finally {
    await backend.close();
  }
}
