export * from "./options.js";
export * from "./rotation-plan.js";
export * from "./segments.js";
