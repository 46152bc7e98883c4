import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { UnstableError, UnstableErrorCode } from "@wick/contracts";
import { AuthError } from "@wick/auth";
import type { DomainErrorKind } from "@wick/errors";
import { DomainError } from "../errors.ts";
import { describeError, sendErrorBody, type ErrorBody } from "./error-handler.ts";

/** Where the unstable routes live: every error under it takes their contract. */
export const UNSTABLE_PREFIX = "/api/public/unstable";

const CODE_OF_KIND: Record<DomainErrorKind, UnstableErrorCode> = {
  invalid: "invalid_request",
  notFound: "resource_not_found",
  conflict: "conflict",
  tooExpensive: "unprocessable_content",
  forbidden: "access_denied",
  unprocessable: "unprocessable_content",
};

/** The code of a status no more precise case claimed (resources.md §9.1, last rows). */
function codeOfStatus(statusCode: number): UnstableErrorCode {
  if (statusCode === 401) return "authentication_failed";
  if (statusCode === 403) return "access_denied";
  if (statusCode === 404) return "resource_not_found";
  if (statusCode === 405) return "method_not_allowed";
  if (statusCode === 409) return "conflict";
  if (statusCode === 429) return "rate_limited";
  return statusCode >= 500 ? "internal_error" : "invalid_request";
}

export function unstableError(statusCode: number, message: string, code = codeOfStatus(statusCode), details?: Record<string, unknown>): ErrorBody {
  const body: UnstableError = { message, code, ...(details && Object.keys(details).length > 0 ? { details } : {}) };
  return { statusCode, body };
}

interface ValidationEntry {
  keyword: string;
  instancePath: string;
  message?: string;
}

/** The validator's issues as the reference lists them: `code`, `message` and the path as an array. */
function issuesOf(entries: ValidationEntry[]) {
  return entries.map((entry) => ({
    code: entry.keyword,
    message: entry.message ?? "",
    path: entry.instancePath
      .split("/")
      .slice(1)
      .filter((segment) => segment !== "")
      .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)),
  }));
}

/** Any error of an unstable route in the contract of resources.md §9.1: `{message, code, details?}`. */
export function describeUnstableError(error: FastifyError | Error, request: FastifyRequest): ErrorBody {
  if (error instanceof AuthError) return unstableError(error.statusCode, error.message);
  if (error instanceof DomainError)
    return unstableError(describeError(error, request).statusCode, error.message, (error.code as UnstableErrorCode | undefined) ?? CODE_OF_KIND[error.kind], error.details);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = issuesOf(error.validation as ValidationEntry[]);
    if (error.validationContext === "body") return unstableError(400, "Invalid request body", "invalid_body", { issues });
    if (error.validationContext === "querystring") return unstableError(400, "Invalid query parameters", "invalid_query", { issues });
    return unstableError(400, "Invalid request", "invalid_request", { issues });
  }
  const { statusCode, body } = describeError(error, request);
  // A body that is not JSON at all is a body the schema refused.
  if ((error as FastifyError).code?.startsWith("FST_ERR_CTP_") && statusCode === 400) return unstableError(400, String(body.message), "invalid_body");
  if (statusCode === 500) return unstableError(500, "Internal Server Error");
  return unstableError(statusCode, String(body.message));
}

export function unstableErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { statusCode, body } = describeUnstableError(error, request);
  if (statusCode >= 500) request.log.error({ err: error }, "request failed");
  void sendErrorBody(reply, statusCode, body);
}
