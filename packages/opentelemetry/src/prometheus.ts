// The `@papyra/opentelemetry/prometheus` entry point: the Prometheus text renderer and the
// counter names alone, without `@opentelemetry/api`, for tools such as the `papyra` CLI.
export { type CounterDefinition, PAPYRA_COUNTERS } from "./counters.js";
export {
  PROMETHEUS_BACKEND_LABEL,
  PROMETHEUS_STORE_LABEL,
  PROMETHEUS_TEXT_CONTENT_TYPE,
  type PrometheusLabels,
  renderPrometheusText,
} from "./prometheus-text.js";
export { maskCredentials } from "./redact.js";
export { identifyStore, type StoreIdentity } from "./store-identity.js";
