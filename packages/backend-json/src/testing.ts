// Test hooks of @papyra/backend-json (`@papyra/backend-json/testing`): not part of the stable API.
export type { JsonStoreInternals } from "./store.js";
