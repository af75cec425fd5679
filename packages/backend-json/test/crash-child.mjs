// Child process for crash tests: runs one operation on a JSON store until it is SIGKILLed.
// (Writers killed mid-write are @papyra/testkit's runWriterUntilKilled.)
// Usage: node crash-child.mjs <mode> <path> [maxRecords]
//   compact: compacts with retention { maxRecords } over and over.
//   recover: repairs over and over.
//   hold:    opens the store for writing and waits.
import { openJsonStore } from "../dist/index.js";

const [mode, path, arg] = process.argv.slice(2);

if (mode === "hold") {
  await openJsonStore({ path });
  process.stdout.write("ready\n");
  setInterval(() => {}, 60_000);
} else if (mode === "compact") {
  const store = await openJsonStore({
    path,
    readOnly: true,
    retention: { maxRecords: Number(arg) },
  });
  process.stdout.write("ready\n");
  for (;;) await store.compact();
} else if (mode === "recover") {
  const store = await openJsonStore({ path, readOnly: true });
  process.stdout.write("ready\n");
  for (;;) await store.recover({ mode: "repair" });
}
