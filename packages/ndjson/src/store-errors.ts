import { isPapyraError, PersistenceUnavailableError } from "@papyra/core";

/**
 * Maps an error thrown by a store operation to what the caller sees: Papyra errors and the
 * abort reason of `signal` pass through; anything else (an fs error such as EACCES or EIO)
 * becomes a PersistenceUnavailableError naming the operation, with the cause kept.
 */
export function asStoreError(
  error: unknown,
  operation: string,
  signal: AbortSignal | undefined,
): unknown {
  if (isPapyraError(error)) return error;
  if (signal?.aborted && error === signal.reason) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return new PersistenceUnavailableError(
    `Cannot ${operation}: ${(error as Error)?.message ?? String(error)}${code ? ` (${code})` : ""}`,
    { cause: error },
  );
}
