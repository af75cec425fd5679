// Child process for crash tests: runs one operation on a JSON store until it is SIGKILLed.
// Usage: node crash-child.mjs <mode> <path> [firstId]
//   write:   writes events continuously (many in flight); prints each resolved id on stdout.
//   compact: compacts with retention { maxRecords: <firstId> } over and over.
//   recover: repairs over and over.
//   hold:    opens the store for writing and waits.
import { openJsonStore } from "../dist/index.js";

const [mode, path, arg] = process.argv.slice(2);

if (mode === "write") {
  const store = await openJsonStore({ path });
  let next = Number(arg);
  process.stdout.write("ready\n");
  const writeOne = async () => {
    for (;;) {
      const id = next++;
      await store.recordEvent({
        system_id: "crash",
        actor_address: { system: "crash", actor_id: id },
        event_type: "ActorStarted",
        payload: { id, pad: "x".repeat(id % 200) },
        timestamp: 1_700_000_000 + id,
      });
      process.stdout.write(`${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, writeOne));
} else if (mode === "hold") {
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
