export { backend } from "./definition.js";
export {
  type JsonStoreOptions,
  jsonBackendOptionsSchema,
  jsonOptionFields,
  jsonStoreOptionsSchema,
} from "./options.js";
export { JsonFileBackend, openJsonStore } from "./store.js";
