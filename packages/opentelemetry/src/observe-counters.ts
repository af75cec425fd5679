import {
  type Attributes,
  type BatchObservableCallback,
  type Meter,
  type ObservableCounter,
  ValueType,
} from "@opentelemetry/api";
import { safeMetricsSnapshot } from "@papyra/core";
import { PAPYRA_COUNTERS } from "./counters.js";
import { attempt } from "./traced.js";

/**
 * Registers the 11 counters on `meter` as observable counters, all read from one
 * `metrics.snapshot()` per collection (synchronous, no I/O; through core's
 * `safeMetricsSnapshot`, which never throws). A counter the backend does not report is not
 * observed. Returns the unregistering function; if the meter fails, nothing is registered and
 * the returned function does nothing.
 */
export function observeCounters(meter: Meter, backend: object, attributes: Attributes): () => void {
  const instruments: Array<[string, ObservableCounter]> = [];
  try {
    for (const definition of PAPYRA_COUNTERS) {
      const instrument = meter.createObservableCounter(definition.otelName, {
        unit: definition.unit,
        description: definition.description,
        valueType: ValueType.INT,
      });
      instruments.push([definition.counter, instrument]);
    }
  } catch {
    return () => {};
  }
  const observables = instruments.map(([, instrument]) => instrument);
  const callback: BatchObservableCallback = (result) => {
    const snapshot = safeMetricsSnapshot(backend);
    for (const [counter, instrument] of instruments) {
      const value = snapshot[counter];
      if (value !== undefined) attempt(() => result.observe(instrument, value, attributes));
    }
  };
  try {
    meter.addBatchObservableCallback(callback, observables);
  } catch {
    return () => {};
  }
  return () => attempt(() => meter.removeBatchObservableCallback(callback, observables));
}
