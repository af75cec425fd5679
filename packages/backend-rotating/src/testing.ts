// Test hooks of @papyra/backend-rotating (`@papyra/backend-rotating/testing`): not part of the stable API.
export type { RotatingStoreInternals } from "./store.js";
