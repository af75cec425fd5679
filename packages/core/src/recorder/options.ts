import { z } from "zod";
import { parseOrThrow } from "../validation.js";
import type { DropReport, WriteErrorReport } from "./types.js";

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** The `system_id` of records that do not carry one. */
  systemId: string;
  /** At most this many records wait for the store (default 10,000); more are dropped. */
  maxPendingRecords?: number;
  /** At most this many bytes of serialised records wait (default 16 MiB); more are dropped. */
  maxPendingBytes?: number;
  /** Records handed to the backend at once (default 256); the backend may group-commit them. */
  batchSize?: number;
  /** First wait before retrying a failed write (default 100 ms); doubles up to the maximum. */
  retryDelayMs?: number;
  /** Longest wait between retries (default 5,000 ms). */
  maxRetryDelayMs?: number;
  /** Default timeout of `flush()` and `close()` (default 5,000 ms). */
  drainTimeoutMs?: number;
  /** Called when a write fails (the records wait and are retried). Errors it throws are ignored. */
  onError?: (report: WriteErrorReport) => void;
  /** Called when records are dropped. Errors it throws are ignored. */
  onDrop?: (report: DropReport) => void;
}

/** {@link RecorderOptions} with every default filled in. */
export type ResolvedRecorderOptions = Required<Omit<RecorderOptions, "onError" | "onDrop">> &
  Pick<RecorderOptions, "onError" | "onDrop">;

const positiveInt = (what: string) =>
  z.number().int(`${what} must be a whole number`).positive(`${what} must be at least 1`);
const hook = (name: string) =>
  z.custom<(report: never) => void>((v) => typeof v === "function", {
    message: `${name} must be a function`,
  });

const recorderOptionsSchema = z.strictObject({
  systemId: z.string().min(1, "systemId must be a non-empty string"),
  maxPendingRecords: positiveInt("maxPendingRecords").optional(),
  maxPendingBytes: positiveInt("maxPendingBytes").optional(),
  batchSize: positiveInt("batchSize").optional(),
  retryDelayMs: positiveInt("retryDelayMs").optional(),
  maxRetryDelayMs: positiveInt("maxRetryDelayMs").optional(),
  drainTimeoutMs: positiveInt("drainTimeoutMs").optional(),
  onError: hook("onError").optional(),
  onDrop: hook("onDrop").optional(),
});

/** Validates recorder options (a PersistenceValidationError lists every problem) and fills defaults. */
export function resolveRecorderOptions(options: RecorderOptions): ResolvedRecorderOptions {
  parseOrThrow(recorderOptionsSchema, options, "recorder options");
  const retryDelayMs = options.retryDelayMs ?? 100;
  return {
    systemId: options.systemId,
    maxPendingRecords: options.maxPendingRecords ?? 10_000,
    maxPendingBytes: options.maxPendingBytes ?? 16 * 1024 * 1024,
    batchSize: options.batchSize ?? 256,
    retryDelayMs,
    maxRetryDelayMs: Math.max(retryDelayMs, options.maxRetryDelayMs ?? 5_000),
    drainTimeoutMs: options.drainTimeoutMs ?? 5_000,
    onError: options.onError,
    onDrop: options.onDrop,
  };
}
