import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorResponse, Projects, type Project } from "@wick/contracts";
import type { ProjectWithOrganization } from "@wick/postgres";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

function toProject(row: ProjectWithOrganization): Project {
  const metadata = row.metadata !== null && typeof row.metadata === "object" && !Array.isArray(row.metadata) ? row.metadata : {};
  return {
    id: row.id,
    name: row.name,
    organization: row.organization,
    metadata: metadata as Record<string, unknown>,
    // Like the reference: no retention (null or 0) is expressed by leaving the field out.
    ...(row.retentionDays ? { retentionDays: row.retentionDays } : {}),
  };
}

export const projectRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    "/projects",
    {
      config: { auth: { allow: ["project"], forbiddenMessage: "Invalid API key. Are you using an organization key?" } },
      schema: {
        description: "Get the project of the API key (requires a project-scoped key)",
        operationId: "projects_get",
        tags: ["Projects"],
        response: { 200: Projects, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const project = await services.repositories.projects.findLiveWithOrganization(projectIdOf(request));
      return { data: project ? [toProject(project)] : [] };
    },
  );
};
