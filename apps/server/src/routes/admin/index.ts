import type { FastifyError, FastifyPluginAsync, FastifyReply } from "fastify";
import { AdminAuthError, installAdminAuth } from "../../plugins/admin-auth.ts";
import { declaredStatus, describeError, sendErrorBody } from "../../plugins/error-handler.ts";
import { issueTree, validationIssues, type ValidationIssue } from "../../plugins/validation-issues.ts";
import type { Services } from "../../services.ts";
import { adminApiKeyRoutes } from "./api-keys.ts";
import { organizationApiKeyRoutes } from "./organization-api-keys.ts";
import { organizationRoutes } from "./organizations.ts";

/**
 * As the reference: metadata is checked after the rest of the body, and its problem is told in
 * `message` alone; any other problem is "Invalid request body" with zod's error tree.
 */
function rejectBody(reply: FastifyReply, issues: ValidationIssue[]) {
  const shapeIssues = issues.filter((issue) => issue.path[0] !== "metadata");
  if (shapeIssues.length > 0) return sendErrorBody(reply, 400, { error: "Invalid request body", details: issueTree(shapeIssues) });
  return sendErrorBody(reply, 400, { message: issues[0]!.message });
}

/** `/api/admin`: instance management behind `ADMIN_API_KEY`; errors are `{error}` bodies, no CORS. */
export const adminApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  installAdminAuth(app, services.adminApiKey);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AdminAuthError) return sendErrorBody(reply, error.statusCode, { error: error.message });
    const issues = validationIssues(error);
    if (issues) return rejectBody(reply, issues);
    const declared = declaredStatus(error);
    if (declared) return sendErrorBody(reply, declared.statusCode, { error: error.message });
    const { statusCode, body } = describeError(error, request);
    if (statusCode >= 500) request.log.error({ err: error }, "admin request failed");
    return sendErrorBody(reply, statusCode, {
      error: statusCode >= 500 ? "Internal server error" : body.message,
      ...(body.error !== undefined && statusCode < 500 ? { details: body.error } : {}),
    });
  });
  await app.register(organizationRoutes, { services });
  await app.register(organizationApiKeyRoutes, { services });
  await app.register(adminApiKeyRoutes, { services });
};
