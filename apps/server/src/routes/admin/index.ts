import type { FastifyError, FastifyPluginAsync } from "fastify";
import { AdminAuthError, installAdminAuth } from "../../plugins/admin-auth.ts";
import { describeError } from "../../plugins/error-handler.ts";
import type { Services } from "../../services.ts";

/** `/api/admin`: instance management behind `ADMIN_API_KEY`; errors are `{error}` bodies, no CORS. */
export const adminApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  installAdminAuth(app, services.adminApiKey);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AdminAuthError) return reply.status(error.statusCode).send({ error: error.message });
    const { statusCode, body } = describeError(error, request);
    if (statusCode >= 500) request.log.error({ err: error }, "admin request failed");
    return reply.status(statusCode).send({ error: statusCode >= 500 ? "Internal server error" : body.message, ...(body.error !== undefined && statusCode < 500 ? { details: body.error } : {}) });
  });
};
