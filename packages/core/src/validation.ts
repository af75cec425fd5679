import type { z } from "zod";
import { PersistenceValidationError, type ValidationIssue } from "./errors.js";

/** Turns zod issues into Papyra's path + message pairs, readable by a person. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** Parses `value` with `schema`, or throws a {@link PersistenceValidationError} naming `subject`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, subject: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new PersistenceValidationError(subject, toValidationIssues(result.error));
  return result.data;
}
