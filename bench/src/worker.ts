import type { ChildReply, Task } from "./tasks.js";

/**
 * The child side of runInChild: receives one task, runs it, replies with its result and peak
 * RSS. Workloads are imported on demand so a task's RSS holds only the modules it uses.
 */
async function run(task: Task): Promise<unknown> {
  switch (task.kind) {
    case "append":
      return (await import("./workloads/append.js")).runAppend(task);
    case "otel-append":
      return (await import("./workloads/otel.js")).runOtelAppend(task);
    case "xstate":
      return (await import("./workloads/xstate.js")).runXState(task);
    case "tail":
      return (await import("./workloads/tail.js")).runTail(task);
    case "bulk":
      return (await import("./workloads/bulk.js")).runBulk(task);
    case "startup":
      return (await import("./workloads/startup.js")).runStartup(task);
    case "redis-fill":
      return (await import("./workloads/redis.js")).runRedisFill(task);
    case "redis-list":
      return (await import("./workloads/redis.js")).runRedisList(task);
    case "redis-scan":
      return (await import("./workloads/redis.js")).runRedisScan(task);
  }
}

let replied = false;

function reply(message: ChildReply): void {
  replied = true;
  process.send?.(message, () => process.exit(0));
}

process.once("message", (task: Task) => {
  run(task).then(
    (result) => reply({ ok: true, result, maxRssKb: process.resourceUsage().maxRSS }),
    (error: unknown) =>
      reply({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        maxRssKb: process.resourceUsage().maxRSS,
      }),
  );
});

// The event loop ran dry while the task was still waiting: some promise never settled.
process.on("beforeExit", () => {
  if (replied) return;
  reply({
    ok: false,
    error: "the event loop emptied before the task finished: a promise it awaited never settled",
    maxRssKb: process.resourceUsage().maxRSS,
  });
});
