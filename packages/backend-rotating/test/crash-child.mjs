// Child process for the crash tests: runs one operation on a rotating store until SIGKILLed.
// (Writers killed mid-write are @papyra/testkit's runWriterUntilKilled.)
// Usage: node crash-child.mjs <mode> <path> <maxBytes> <maxFiles> [arg]
//   compact: compacts once with retention { maxRecords: arg }, then prints "done".
//   recover: repairs once, then prints "done".
//   hold:    opens the store for writing, writes event 0 and waits.
import { openRotatingStore } from "../dist/index.js";

const [mode, path, maxBytesArg, maxFilesArg, arg] = process.argv.slice(2);
const maxBytes = Number(maxBytesArg);
const maxFiles = Number(maxFilesArg);

if (mode === "hold") {
  const store = await openRotatingStore({ path, maxBytes, maxFiles });
  await store.recordEvent({
    system_id: "crash",
    actor_address: "crash:0",
    event_type: "ActorStarted",
    payload: { id: 0 },
    timestamp: 1_700_000_000,
  });
  process.stdout.write("ready\n");
  setInterval(() => {}, 60_000);
} else if (mode === "compact") {
  const store = await openRotatingStore({
    path,
    maxBytes,
    maxFiles,
    readOnly: true,
    retention: { maxRecords: Number(arg) },
  });
  process.stdout.write("ready\n");
  await store.compact();
  process.stdout.write("done\n");
  setInterval(() => {}, 60_000);
} else if (mode === "recover") {
  const store = await openRotatingStore({ path, maxBytes, maxFiles, readOnly: true });
  process.stdout.write("ready\n");
  await store.recover({ mode: "repair" });
  process.stdout.write("done\n");
  setInterval(() => {}, 60_000);
}
