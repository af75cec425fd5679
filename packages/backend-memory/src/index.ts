export { backend, type MemoryOptions, memoryOptionsSchema } from "./definition.js";
export { createMemoryBackend, MemoryBackend, type MemoryBackendOptions } from "./memory-backend.js";
