// Child of lock-race.test.ts: a would-be writer that tries to take the lock when told to.
// Usage: node lock-race-child.mjs <proc|ps>   (ps: judge processes through `ps`, not /proc)
// Messages in:  { type: "go", lockPath, markerPath }  → tries once, answers "result"
//               { type: "end" }                       → the winner gives the lock up, answers "ended"
//               { type: "quit" }                      → exits
// While it believes it holds the lock it keeps a marker file created with O_EXCL: a second
// holder at the same time cannot create it, whatever the lock itself says.
import { unlink, writeFile } from "node:fs/promises";
// The built modules themselves: the package index exports only what the file backends use.
import { createPsProbe } from "../dist/process-probe.js";
import { acquireWriterLock } from "../dist/writer-lock.js";

const probe = process.argv[2] === "ps" ? createPsProbe({ timeoutMs: 600_000 }) : undefined;
let held = null;

process.on("message", async (message) => {
  if (message.type === "go") {
    try {
      const lock = await acquireWriterLock(message.lockPath, { probe });
      let exclusive = true;
      await writeFile(message.markerPath, String(process.pid), { flag: "wx" }).catch(() => {
        exclusive = false;
      });
      held = { lock, marker: exclusive ? message.markerPath : null };
      process.send({ type: "result", outcome: "acquired", exclusive });
    } catch (error) {
      process.send({ type: "result", outcome: error.code ?? "none", message: error.message });
    }
  } else if (message.type === "end") {
    if (held) {
      if (held.marker) await unlink(held.marker);
      await held.lock.release();
      held = null;
    }
    process.send({ type: "ended" });
  } else if (message.type === "quit") {
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });
