import {
  type Attributes,
  context,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { maskCredentials } from "./redact.js";

/** Runs a telemetry step; a failing tracer, span or meter must never reach a storage call. */
export function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // Deliberately ignored: telemetry is best effort, storage is not.
  }
}

/** What to record around one operation. */
export interface SpanPlan<T> {
  /** Span name, e.g. `papyra.scan`. */
  name: string;
  /** Set when the span starts, so that they are there on failure too. */
  attributes: Attributes;
  /** The result's figures, set when the operation resolves. */
  describe(result: T): Attributes;
  /** Extra figures an error carries (e.g. the scan of a refused startup check). */
  describeFailure?(error: unknown): Attributes;
}

function read(target: unknown, key: string): unknown {
  try {
    return typeof target === "object" && target !== null
      ? (target as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** The error's stable code (`PAPYRA_DAMAGED`, ...), else its class name, for `error.type`. */
function errorType(error: unknown): string {
  const code = read(error, "code");
  if (typeof code === "string" && code !== "") return code;
  const name = read(error, "name");
  return typeof name === "string" && name !== "" ? name : "Error";
}

function errorMessage(error: unknown): string {
  const message = read(error, "message");
  if (typeof message === "string") return maskCredentials(message);
  return typeof error === "string" ? maskCredentials(error) : "";
}

/**
 * Marks a span failed: status ERROR with the message, `error.type` (the Papyra error code), and
 * an `exception` event with the class name and message only (no stack, no cause, no error
 * properties), URL credentials masked.
 */
function recordFailure(span: Span, error: unknown, extra: Attributes): void {
  const message = errorMessage(error);
  const name = read(error, "name");
  attempt(() => span.setAttributes({ ...extra, "error.type": errorType(error) }));
  attempt(() => span.recordException({ name: typeof name === "string" ? name : "Error", message }));
  attempt(() => span.setStatus({ code: SpanStatusCode.ERROR, message }));
}

function startSpan(tracer: Tracer | null, name: string, attributes: Attributes): Span | null {
  if (!tracer) return null;
  try {
    return tracer.startSpan(name, { attributes });
  } catch {
    return null;
  }
}

/**
 * Runs `operation` inside a span (the active span while it runs, so that the spans of calls it
 * makes become children), and records its figures or its failure. The operation runs exactly
 * once and its result or rejection comes back unchanged, whatever the tracer or span does:
 * without a tracer, or when starting the span fails, it simply runs untraced.
 */
export async function traced<T>(
  tracer: Tracer | null,
  plan: SpanPlan<T>,
  operation: () => Promise<T>,
): Promise<T> {
  const span = startSpan(tracer, plan.name, plan.attributes);
  let pending: Promise<T> | undefined;
  // An async wrapper turns a synchronous throw of a hand-written backend into a rejection.
  const start = (): Promise<T> => {
    pending ??= (async () => operation())();
    return pending;
  };
  if (span) attempt(() => context.with(trace.setSpan(context.active(), span), start));
  const running = start();
  if (!span) return running;
  try {
    const result = await running;
    attempt(() => span.setAttributes(plan.describe(result)));
    attempt(() => span.end());
    return result;
  } catch (error) {
    let extra: Attributes = {};
    attempt(() => {
      extra = plan.describeFailure?.(error) ?? {};
    });
    recordFailure(span, error, extra);
    attempt(() => span.end());
    throw error;
  }
}
