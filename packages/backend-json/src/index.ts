export { backend } from "./definition.js";
export { type JsonStoreOptions, jsonStoreOptionsSchema } from "./options.js";
export { JsonFileBackend, type JsonStoreInternals, openJsonStore } from "./store.js";
