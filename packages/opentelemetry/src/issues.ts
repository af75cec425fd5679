import type { ValidationIssue } from "@papyra/core";
import type { z } from "zod";

/** zod's issues as Papyra's `{ path, message }` pairs, for the errors of @papyra/core. */
export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}
