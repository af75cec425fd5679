export { type CounterDefinition, PAPYRA_COUNTERS } from "./counters.js";
export {
  INSTRUMENTATION_SCOPE,
  type Instrumentation,
  instrumentBackend,
} from "./instrument.js";
export type { InstrumentOptions, TracedStartupOptions } from "./options.js";
export {
  PROMETHEUS_BACKEND_LABEL,
  PROMETHEUS_STORE_LABEL,
  PROMETHEUS_TEXT_CONTENT_TYPE,
  type PrometheusLabels,
  renderPrometheusText,
} from "./prometheus-text.js";
export { maskCredentials } from "./redact.js";
export { runTracedStartupCheck } from "./startup-check.js";
export {
  BACKEND_ATTRIBUTE,
  identifyStore,
  STORE_ATTRIBUTE,
  type StoreIdentity,
} from "./store-identity.js";
export { SPAN_NAMES } from "./wrap-backend.js";
