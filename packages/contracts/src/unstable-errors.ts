import { z } from "zod";

/** Every `code` of the unstable API's error body (resources.md §9.1). */
export const UnstableErrorCode = z
  .enum([
    "authentication_failed",
    "access_denied",
    "invalid_request",
    "invalid_query",
    "invalid_body",
    "invalid_filter_value",
    "invalid_json_path",
    "invalid_variable_mapping",
    "missing_variable_mapping",
    "duplicate_variable_mapping",
    "resource_not_found",
    "name_conflict",
    "evaluator_preflight_failed",
    "conflict",
    "unprocessable_content",
    "rate_limited",
    "method_not_allowed",
    "internal_error",
  ])
  .meta({ id: "unstablePublicApiErrorCode" });

export type UnstableErrorCode = z.infer<typeof UnstableErrorCode>;

/** The `details` keys the reference allows; `details` itself is left out when there are none. */
export const UnstableErrorDetails = z
  .strictObject({
    issues: z.array(z.looseObject({ code: z.string(), message: z.string(), path: z.array(z.union([z.string(), z.number()])) })).optional(),
    field: z.string().optional(),
    column: z.string().optional(),
    invalidValues: z.array(z.string()).optional(),
    allowedValues: z.array(z.string()).optional(),
    variable: z.string().optional(),
    variables: z.array(z.string()).optional(),
    value: z.string().optional(),
    evaluatorName: z.string().optional(),
    provider: z.string().optional(),
    model: z.string().optional(),
    retryAfterSeconds: z.number().int().optional(),
    limit: z.number().int().optional(),
    remaining: z.number().int().optional(),
    resetAt: z.string().optional(),
  })
  .meta({ id: "unstablePublicApiErrorDetails" });

export const UnstableError = z
  .strictObject({
    message: z.string(),
    code: UnstableErrorCode,
    details: UnstableErrorDetails.optional(),
  })
  .meta({ id: "unstablePublicApiError" });

export type UnstableError = z.infer<typeof UnstableError>;
