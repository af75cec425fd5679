// The forward line reader, used by tests as the model the chunked scanner (`line-chunks.ts`)
// is checked against. The streaming reads use it too, so it lives in src.
export { type ReadLinesOptions, readLines } from "../../src/read-lines.js";
