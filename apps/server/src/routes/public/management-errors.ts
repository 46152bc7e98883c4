import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { describeError } from "../../plugins/error-handler.ts";
import type { RouteAuth } from "../../plugins/public-auth.ts";
import { validationIssues, type ValidationIssue } from "../../plugins/validation-issues.ts";

/** The rule of every organization-management route. */
export const ORGANIZATION_KEY_ONLY: RouteAuth = {
  allow: ["organization"],
  forbiddenMessage: "Invalid API key. Organization-scoped API key required for this operation.",
};

type ErrorBody = Record<string, unknown>;

/**
 * The reference words errors differently per endpoint family, authentication failures included,
 * so each family's routes answer through a handler of their own. `rejectBody` describes a request
 * that failed validation.
 */
export function familyErrorHandler(bodyOf: (message: string) => ErrorBody, rejectBody?: (issues: ValidationIssue[], error: FastifyError) => ErrorBody) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const issues = rejectBody && validationIssues(error);
    if (issues) return reply.status(400).send(rejectBody(issues, error));
    const { statusCode, body } = describeError(error, request);
    if (statusCode >= 500) request.log.error({ err: error }, "request failed");
    else request.log.debug({ statusCode, message: body.message }, "request rejected");
    // A 503 keeps its own words: unlike other failures, it tells the client to retry.
    const message = statusCode >= 500 && statusCode !== 503 ? "Internal server error" : String(body.message);
    return reply.status(statusCode).send(bodyOf(message));
  };
}
