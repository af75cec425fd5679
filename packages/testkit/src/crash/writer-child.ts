// The crash group's writer: a child process that opens a store through the module and export
// it is given and records events as fast as it can (16 in flight) until it is SIGKILLed.
// Usage: node writer-child.js <module URL> <export> <options JSON> <first id>
// Prints `ready`, then the number of each event whose `recordEvent` resolved.
import type { PersistenceBackend } from "@papyra/core";
import { crashEvent } from "./records.js";

const [moduleUrl, exportName, optionsJson, firstId] = process.argv.slice(2);
const mod = (await import(moduleUrl as string)) as Record<string, unknown>;
const open = mod[exportName as string];
if (typeof open !== "function") {
  throw new TypeError(`${moduleUrl} has no function export "${exportName}"`);
}
const store = (await open(JSON.parse(optionsJson as string))) as PersistenceBackend;
let next = Number(firstId);
process.stdout.write("ready\n");
const writeForever = async (): Promise<never> => {
  for (;;) {
    const id = next++;
    await store.recordEvent(crashEvent(id));
    process.stdout.write(`${id}\n`);
  }
};
await Promise.all(Array.from({ length: 16 }, writeForever));
