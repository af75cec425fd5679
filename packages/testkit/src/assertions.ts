import assert from "node:assert/strict";
import { ErrorCode } from "@papyra/core";

/**
 * Asserts `promise` rejects with a Papyra error of `code`. Checks the stable `code` rather than
 * `instanceof`, so a backend built against another copy of @papyra/core still conforms.
 */
export async function rejectsWithCode(
  promise: Promise<unknown> | (() => Promise<unknown>),
  code: ErrorCode,
  message?: string,
): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => {
      const actual = (error as { code?: unknown } | null)?.code;
      assert.equal(
        actual,
        code,
        `${message ?? "expected rejection"}: wanted an error with code ${code}, got ${String(error)}`,
      );
      return true;
    },
    message,
  );
}

/** The closed error code, for readability at call sites. */
export const CLOSED: ErrorCode = ErrorCode.closed;
/** The validation error code, for readability at call sites. */
export const VALIDATION: ErrorCode = ErrorCode.validation;
