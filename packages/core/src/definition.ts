import type { z } from "zod";
import type { PersistenceBackend } from "./backend.js";
import { PersistenceConfigurationError } from "./errors.js";
import { toValidationIssues } from "./validation.js";

/** Version of the backend-definition contract; the CLI refuses definitions of another version. */
export const BACKEND_CONTRACT_VERSION = 1;

/** What the CLI (or any host) tells a backend factory about how the store will be used. */
export interface BackendContext {
  /** Directory relative paths in the options are resolved against. */
  cwd: string;
  /**
   * True when the host only reads, scans, inspects, compacts or recovers: a file store must
   * then not take the writer lock on open (compaction and recovery take it themselves).
   *
   * The contract of a read-only open on a location that holds no store (a mistyped path, a
   * missing directory, an empty Redis prefix): reject with `PersistenceNotFoundError`
   * (`PAPYRA_NOT_FOUND`, naming the location) and create nothing there: no file, no
   * sidecar, no lock, no key. Only a writing open (`readOnly: false`) creates a store.
   */
  readOnly: boolean;
}

/**
 * What a backend package exports (as `backend`, or its default export) so the CLI can find
 * and configure it: a name, a zod schema of its options and a factory.
 */
export interface BackendDefinition<Options = unknown> {
  /** Must equal {@link BACKEND_CONTRACT_VERSION}. */
  contractVersion: number;
  /** Short name used by `--backend` (e.g. `json`, `redis`). */
  name: string;
  /** One line for `papyra backends`. */
  description: string;
  /**
   * Options schema. A `z.object` whose top-level fields become CLI flags (`--redis-url` style
   * names are derived from field names); descriptions (`.describe()`) become flag help.
   */
  optionsSchema: z.ZodType<Options>;
  /** Environment variables read as options: option name to variable name. */
  env?: Readonly<Record<string, string>>;
  /** Opens a backend. Throws PersistenceUnavailableError when the store cannot be opened. */
  create(options: Options, context: BackendContext): Promise<PersistenceBackend>;
}

/** Declares a backend definition with its option types checked. */
export function defineBackend<Options>(
  definition: BackendDefinition<Options>,
): BackendDefinition<Options> {
  return definition;
}

/**
 * Validates a backend's options with its schema; throws PersistenceConfigurationError (the
 * CLI's exit 78) listing every bad field, headed by `subject` (e.g. `"JSON store options"`).
 * Every first-party backend validates its options through this, once, so bad options are the
 * same error whichever way they come in.
 */
export function parseOptions<Options>(
  schema: z.ZodType<Options>,
  raw: unknown,
  subject: string,
): Options {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    throw new PersistenceConfigurationError(
      `Invalid ${subject}:`,
      toValidationIssues(result.error),
    );
  }
  return result.data;
}

/**
 * Validates options against a definition's schema; throws PersistenceConfigurationError
 * listing every bad field.
 */
export function parseBackendOptions<Options>(
  definition: BackendDefinition<Options>,
  raw: unknown,
): Options {
  return parseOptions(definition.optionsSchema, raw, `options for backend "${definition.name}"`);
}

/** True when `value` looks like a backend definition of a supported contract version. */
export function isBackendDefinition(value: unknown): value is BackendDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<BackendDefinition>;
  return (
    v.contractVersion === BACKEND_CONTRACT_VERSION &&
    typeof v.name === "string" &&
    typeof v.create === "function" &&
    typeof v.optionsSchema === "object" &&
    v.optionsSchema !== null
  );
}
