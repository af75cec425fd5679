import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { type ActorEvent, encodeRecord } from "@papyra/core";

/** A fresh temp directory; remove it with {@link removeDir}. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "papyra-otel-"));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A valid event with a distinguishable id. */
export function event(id: number): ActorEvent {
  return {
    system_id: "orders",
    actor_address: { system: "orders", actor_id: `payment-${id}` },
    event_type: "ActorStarted",
    payload: { id },
    timestamp: 1_700_000_000 + id,
  };
}

/** The stored line of {@link event}. */
export const eventLine = (id: number): string => encodeRecord("event", event(id));

/** A real SDK MeterProvider whose reader exports, on demand, into an in-memory exporter. */
export function metricsHarness(): {
  provider: MeterProvider;
  /** Collects now; every exported data point by instrument name (the latest export). */
  collect(): Promise<
    Map<string, { unit: string; description: string; points: DataPoint<number>[] }>
  >;
  shutdown(): Promise<void>;
} {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when asked (forceFlush): the tests never wait for a timer.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      exporter.reset();
      await reader.forceFlush();
      const out = new Map<
        string,
        { unit: string; description: string; points: DataPoint<number>[] }
      >();
      for (const resource of exporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            out.set(metric.descriptor.name, {
              unit: metric.descriptor.unit,
              description: metric.descriptor.description,
              points: metric.dataPoints as DataPoint<number>[],
            });
          }
        }
      }
      return out;
    },
    shutdown: () => provider.shutdown(),
  };
}

/** A real SDK tracer provider exporting every ended span into memory. */
export function tracingHarness(): {
  provider: BasicTracerProvider;
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return {
    provider,
    spans: () => exporter.getFinishedSpans(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Registers the AsyncLocalStorage context manager (what the Node SDK registers), so that spans
 * started inside another span's callback become its children. Returns the undo.
 */
export function useContextManager(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  return () => {
    manager.disable();
    context.disable();
  };
}

/** A loopback port nothing listens on right now. */
export { freePort } from "@papyra/test-support";
