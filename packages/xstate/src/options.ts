import {
  type PersistenceBackend,
  parseOrThrow,
  type RecorderOptions,
  STARTUP_MODES,
  type StartupCheckOptions,
  type StartupMode,
} from "@papyra/core";
import { z } from "zod";

/** An event as XState delivers it: a `type` and whatever else the sender put in. */
export interface InspectedEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * What goes into the payload of a dead letter (and of a sampled delivery): `"full"` the event
 * made JSON-safe, `"omit"` only `{ type }`, or a function returning what to store (made
 * JSON-safe afterwards; if it throws, the payload is null, never the raw event).
 */
export type PayloadPolicy = "full" | "omit" | ((event: InspectedEvent) => unknown);

/** Options of {@link createPapyraInspector}. */
export interface PapyraInspectorOptions {
  /** Where records go: any Papyra backend, opened by the caller (who also closes it). */
  backend: PersistenceBackend;
  /** The `system` of every address and the `system_id` of every record. */
  systemId: string;
  /**
   * The startup check run before the inspector is returned: a mode, or the full options of
   * `runStartupCheck`. Default `"fail_on_anomaly"`.
   */
  startup?: StartupMode | StartupCheckOptions;
  /** Milliseconds between audits (default 60,000); `false` writes one only on `close()`. */
  auditIntervalMs?: number | false;
  /** Dead-letter payloads (and sampled deliveries): default `"full"`. */
  payloads?: PayloadPolicy;
  /**
   * Fractions (0..1) of high-volume records to write. `deadLetters` (default 1) samples dead
   * letters (every one is still counted in the audits' `dead_letters_count`); `deliveries`
   * (default 0) records that share of delivered events as `EventDelivered` events.
   */
  sample?: { deadLetters?: number; deliveries?: number };
  /** Ended actor ids remembered for `registry_dead` and restart detection (default 1,000). */
  maxDeadIds?: number;
  /** Bounds, hooks and timeouts of the background recorder (its `systemId` is the one above). */
  recorder?: Omit<RecorderOptions, "systemId">;
}

const rate = (name: string) =>
  z
    .number({ error: `${name} must be a number from 0 to 1` })
    .min(0, `${name} must be at least 0`)
    .max(1, `${name} must be at most 1`);

const optionsSchema = z.looseObject({
  backend: z.custom<PersistenceBackend>(
    (v) =>
      typeof v === "object" &&
      v !== null &&
      typeof (v as PersistenceBackend).recordEvent === "function",
    { message: "backend must be a Papyra backend (an object with recordEvent, recordAudit, ...)" },
  ),
  systemId: z.string().min(1, "systemId must be a non-empty string"),
  startup: z
    .union([z.enum(STARTUP_MODES), z.looseObject({ mode: z.enum(STARTUP_MODES) })], {
      error: `startup must be one of ${STARTUP_MODES.join(", ")} or startup check options`,
    })
    .optional(),
  auditIntervalMs: z
    .union([z.literal(false), z.number().int().positive()], {
      error: "auditIntervalMs must be a positive whole number of milliseconds, or false",
    })
    .optional(),
  payloads: z
    .union(
      [
        z.literal("full"),
        z.literal("omit"),
        z.custom<(e: InspectedEvent) => unknown>((v) => typeof v === "function"),
      ],
      {
        error: 'payloads must be "full", "omit" or a function',
      },
    )
    .optional(),
  sample: z
    .strictObject({
      deadLetters: rate("sample.deadLetters").optional(),
      deliveries: rate("sample.deliveries").optional(),
    })
    .optional(),
  maxDeadIds: z.number().int().nonnegative("maxDeadIds must be 0 or more").optional(),
  recorder: z.looseObject({}).optional(),
});

/** Validates the inspector's options; a PersistenceValidationError names every problem. */
export function validateInspectorOptions(options: PapyraInspectorOptions): void {
  parseOrThrow(optionsSchema, options, "@papyra/xstate options");
}

/** The startup check options a mode or an options object stands for. */
export function startupOptions(startup: PapyraInspectorOptions["startup"]): StartupCheckOptions {
  if (startup === undefined) return { mode: "fail_on_anomaly" };
  return typeof startup === "string" ? { mode: startup } : startup;
}
