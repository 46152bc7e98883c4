import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AdminApiKeysRequest, AdminApiKeysResponse } from "@wick/contracts";
import { sendErrorBody } from "../../plugins/error-handler.ts";
import { validationIssues } from "../../plugins/validation-issues.ts";
import type { Services } from "../../services.ts";
import { ADMIN_ERRORS, ADMIN_SECURITY } from "./organizations.ts";

/**
 * `POST /api/admin/api-keys` (auth-admin.md §4.4): an operator deletes projects' keys or drops
 * cached ones, as when a key leaked. The cache is this instance's; another instance sharing the
 * database trusts a key it verified for its cache lifetime (`LANGFUSE_CACHE_API_KEY_TTL_SECONDS`).
 * Its body errors are the validation issues themselves, as the reference answers this route.
 */
export const adminApiKeyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { apiKeys } = services.repositories;

  app.post(
    "/api-keys",
    {
      errorHandler: (error, request, reply) => {
        const issues = validationIssues(error);
        if (issues) return sendErrorBody(reply, 400, { error: issues });
        return app.errorHandler(error, request, reply);
      },
      schema: {
        description:
          "Delete the project keys of some projects (`delete`), or forget cached keys so the next request checks them against the database (`invalidate` for some projects, `invalidate-all`).",
        operationId: "admin_apiKeys",
        tags: ["Admin"],
        security: ADMIN_SECURITY,
        body: AdminApiKeysRequest,
        response: { 200: AdminApiKeysResponse, ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.action === "invalidate-all") return { message: "All cached API keys invalidated", invalidatedCount: await services.keyRevocations.invalidate("all") };
      if (body.action === "invalidate") {
        await services.keyRevocations.invalidate({ projectIds: body.projectIds });
        return { message: "API keys invalidated" };
      }
      // Deleted first and then forgotten, so no request can put a key back in the cache in between.
      await Promise.all(body.projectIds.map((projectId) => apiKeys.deleteProjectKeys(projectId)));
      await services.keyRevocations.revokedProjects(body.projectIds);
      return { message: "API keys deleted" };
    },
  );
};
