export { createPapyraInspector } from "./create-inspector.js";
export type { PapyraInspector } from "./inspector.js";
export { toJsonSafe } from "./json-safe.js";
export type { InspectedEvent, PapyraInspectorOptions, PayloadPolicy } from "./options.js";
