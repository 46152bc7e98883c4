import type { FastifyError } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";

export interface ValidationIssue {
  path: string[];
  message: string;
}

/** The issues of a failed request validation, in the order zod found them; undefined for other errors. */
export function validationIssues(error: FastifyError): ValidationIssue[] | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  return error.validation.map((issue) => ({ path: issue.instancePath.split("/").filter(Boolean), message: issue.message ?? "" }));
}

/**
 * Issues as zod's formatted error tree (`{_errors: [], name: {_errors: ["…"]}}`): the `details` the
 * reference's management endpoints send with "Invalid request body".
 */
export function issueTree(issues: ValidationIssue[]): unknown {
  return z.formatError(new z.ZodError(issues.map((issue) => ({ code: "custom" as const, input: undefined, ...issue }))));
}

/** The issues of a failed request validation as zod reported them (code, path, message and the rest). */
export function zodIssues(error: FastifyError): unknown[] | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  return error.validation.map((issue) => ({ code: issue.keyword, ...issue.params, path: issue.instancePath.split("/").filter(Boolean), message: issue.message }));
}
