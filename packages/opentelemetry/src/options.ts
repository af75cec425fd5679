import type { Attributes, MeterProvider, TracerProvider } from "@opentelemetry/api";
import { PersistenceConfigurationError } from "@papyra/core";
import { z } from "zod";
import { issuesOf } from "./issues.js";

/** Options of `instrumentBackend`. Every field is optional. */
export interface InstrumentOptions {
  /** Where the counters go; default the global one (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Where the spans go; default the global one (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Added to every counter and span, e.g. `{ "service.role": "orders" }`; they win over ours. */
  attributes?: Attributes;
  /** `papyra.backend`; default from the backend's class (`json`, `rotating`, `redis`, `memory`). */
  backendName?: string;
  /** `papyra.store`; default the backend's `path` or `location`. URL credentials are masked. */
  store?: string;
}

/** Options of `runTracedStartupCheck` beyond the startup check's own. */
export interface TracedStartupOptions {
  /** Default: the instrumented backend's, else the global one. */
  tracerProvider?: TracerProvider;
  /** Added to the span (after those of an instrumented backend). */
  attributes?: Attributes;
  /** As in {@link InstrumentOptions}, for a backend that is not instrumented. */
  backendName?: string;
  /** As in {@link InstrumentOptions}, for a backend that is not instrumented. */
  store?: string;
}

const withMethod = (method: string) =>
  z.custom<object>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as Record<string, unknown>)[method] === "function",
    { message: `must be an OpenTelemetry provider (an object with ${method}())` },
  );

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const attributeValue = z.union(
  [scalar, z.array(z.union([scalar, z.null(), z.undefined()])), z.undefined()],
  { error: "attribute values are strings, numbers, booleans or arrays of them" },
);

const shared = {
  tracerProvider: withMethod("getTracer").optional(),
  attributes: z.record(z.string(), attributeValue).optional(),
  backendName: z.string().min(1, "must not be empty").optional(),
  store: z.string().min(1, "must not be empty").optional(),
};

const instrumentSchema = z.strictObject({
  meterProvider: withMethod("getMeter").optional(),
  ...shared,
});
const startupSchema = z.strictObject(shared);

function check(schema: z.ZodType, value: unknown, subject: string): void {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new PersistenceConfigurationError(`Invalid ${subject}:`, issuesOf(parsed.error));
  }
}

/** Throws `PersistenceConfigurationError` (`PAPYRA_CONFIGURATION`) naming each bad field. */
export function checkInstrumentOptions(options: InstrumentOptions | undefined): void {
  check(instrumentSchema, options, "instrumentBackend options");
}

/** Throws `PersistenceConfigurationError` (`PAPYRA_CONFIGURATION`) naming each bad field. */
export function checkTracedStartupOptions(options: TracedStartupOptions | undefined): void {
  check(startupSchema, options, "runTracedStartupCheck telemetry options");
}
