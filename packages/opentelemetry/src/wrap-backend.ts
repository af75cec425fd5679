import type { Attributes, Tracer } from "@opentelemetry/api";
import type {
  CompactionReport,
  PersistenceBackend,
  RecoveryReport,
  ScanReport,
} from "@papyra/core";
import { compactionAttributes, recoveryAttributes, scanAttributes } from "./report-attributes.js";
import { traced } from "./traced.js";

/** Span names, one per traced operation. */
export const SPAN_NAMES: {
  readonly scan: string;
  readonly recover: string;
  readonly compact: string;
  readonly startupCheck: string;
} = {
  scan: "papyra.scan",
  recover: "papyra.recover",
  compact: "papyra.compact",
  startupCheck: "papyra.startup_check",
};

/** What the wrapper needs from its instrumentation. */
export interface WrapHooks {
  /** The tracer, or null once the instrumentation is disposed. */
  tracer(): Tracer | null;
  /** Identity (and the caller's) attributes of every span. */
  readonly attributes: Attributes;
  /** Called once the backend's own close (or async dispose) has settled. */
  dispose(): void;
}

type AnyFunction = (...args: unknown[]) => unknown;

function field(value: unknown, key: string): unknown {
  try {
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** Start attributes from what the caller asked for (reports may never come, on failure). */
function requested(base: Attributes, entries: Array<[string, unknown]>): Attributes {
  const out: Attributes = { ...base };
  for (const [key, value] of entries) {
    if (typeof value === "string" || typeof value === "boolean") out[key] = value;
  }
  return out;
}

/** The traced replacement of a member, or undefined for members passed through as they are. */
function replacement(
  target: PersistenceBackend,
  prop: PropertyKey,
  original: AnyFunction,
  hooks: WrapHooks,
): AnyFunction | undefined {
  if (prop === "scan") {
    return (options?: unknown) =>
      traced<ScanReport>(
        hooks.tracer(),
        { name: SPAN_NAMES.scan, attributes: hooks.attributes, describe: scanAttributes },
        () => original.call(target, options) as Promise<ScanReport>,
      );
  }
  if (prop === "recover") {
    return (config?: unknown) =>
      traced<RecoveryReport>(
        hooks.tracer(),
        {
          name: SPAN_NAMES.recover,
          attributes: requested(hooks.attributes, [
            ["papyra.recovery.mode", field(config, "mode")],
            ["papyra.recovery.dry_run", field(config, "dryRun") === true],
          ]),
          describe: recoveryAttributes,
        },
        () => original.call(target, config) as Promise<RecoveryReport>,
      );
  }
  if (prop === "compact") {
    return (options?: unknown) =>
      traced<CompactionReport>(
        hooks.tracer(),
        {
          name: SPAN_NAMES.compact,
          attributes: requested(hooks.attributes, [
            ["papyra.compaction.dry_run", field(options, "dryRun") === true],
          ]),
          describe: compactionAttributes,
        },
        () => original.call(target, options) as Promise<CompactionReport>,
      );
  }
  if (prop === "close" || prop === Symbol.asyncDispose) {
    return async (...args: unknown[]) => {
      try {
        return await original.apply(target, args);
      } finally {
        hooks.dispose();
      }
    };
  }
  return undefined;
}

/**
 * The backend behind an object of its own type: `scan`, `recover` and `compact` run inside
 * spans, `close()` and `[Symbol.asyncDispose]()` also unregister the telemetry, and every other
 * method (the `record*` / `list*` hot path included) is the backend's own, bound to it. The
 * wrapper's prototype is the backend itself, so `instanceof`, its fields (`path`, `metrics`,
 * `retention`, ...) and `backendCapabilities` read exactly as on the backend, and a member the
 * backend lacks stays absent.
 */
export function wrapBackend<B extends PersistenceBackend>(backend: B, hooks: WrapHooks): B {
  // Not a Proxy: its trap runs on every `recordEvent` (about 35 ns against a few µs per append,
  // measured), where an own bound method costs next to nothing. Methods and accessors found on the backend and its prototypes are
  // copied as own members, bound to the backend (its private fields need the real `this`);
  // plain fields are read through the prototype link, so they stay current.
  const wrapper = Object.create(backend) as B;
  const done = new Set<PropertyKey>(["constructor"]);
  for (
    let level: object | null = backend;
    level !== null && level !== Object.prototype;
    level = Object.getPrototypeOf(level)
  ) {
    for (const key of Reflect.ownKeys(level)) {
      if (done.has(key)) continue;
      done.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(level, key);
      if (!descriptor) continue;
      if (descriptor.get || descriptor.set) {
        Object.defineProperty(wrapper, key, {
          configurable: true,
          enumerable: descriptor.enumerable ?? false,
          get: descriptor.get ? () => Reflect.get(backend, key) : undefined,
          set: descriptor.set ? (value: unknown) => Reflect.set(backend, key, value) : undefined,
        });
      } else if (typeof descriptor.value === "function") {
        const original = descriptor.value as AnyFunction;
        Object.defineProperty(wrapper, key, {
          configurable: true,
          enumerable: descriptor.enumerable ?? false,
          writable: true,
          value: replacement(backend, key, original, hooks) ?? original.bind(backend),
        });
      }
    }
  }
  return wrapper;
}
