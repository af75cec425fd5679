import type { PersistenceBackend } from "./backend.js";

/**
 * Optional capability: append a record exactly as another store holds it. `papyra import`
 * uses it to carry over lines that reading accepts but `record*` refuses to write (SPEC:
 * read liberally), e.g. a Python store's `NaN` / `Infinity` tokens or a dead letter whose
 * `target` is a serialised actor reference, without loss.
 */
export interface StoredLineAppending {
  /**
   * Appends `line` (one stored line, without newline) as given, when it decodes as a record of
   * a known kind (what `list*` would return for it); anything else is refused with
   * PersistenceValidationError and nothing is stored. Durability, retention, counters and the
   * closed state are those of `record*`.
   */
  appendStoredLine(line: string): Promise<void>;
}

/** True when `backend` has {@link StoredLineAppending.appendStoredLine} (never throws). */
export function canAppendStoredLines(
  backend: PersistenceBackend,
): backend is PersistenceBackend & StoredLineAppending {
  try {
    return typeof (backend as Partial<StoredLineAppending>).appendStoredLine === "function";
  } catch {
    return false;
  }
}
