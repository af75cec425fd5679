export { backend } from "./definition.js";
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  type ResolvedRotatingOptions,
  type RotatingStoreOptions,
  resolveOptions,
  rotatingBackendOptionsSchema,
  rotatingOptionFields,
  rotatingOptionsSchema,
} from "./options.js";
export {
  type DirectoryListing,
  type EntryClass,
  type SegmentFile,
  SegmentSet,
} from "./segments.js";
export { openRotatingStore, RotatingFileBackend } from "./store.js";
