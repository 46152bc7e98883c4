import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AdminBadRequestResponse,
  AdminErrorResponse,
  AdminOrganization,
  DeleteOrganizationResponse,
  OrganizationIdParams,
  OrganizationRequest,
  Organizations,
  type OrganizationProject,
} from "@wick/contracts";
import type { OrganizationRow } from "@wick/postgres";
import { NotFoundError } from "../../errors.ts";
import type { Services } from "../../services.ts";

export const ADMIN_SECURITY = [{ BearerAuth: [] }];
export const ADMIN_ERRORS = { 400: AdminBadRequestResponse, 401: AdminErrorResponse, 403: AdminErrorResponse, 404: AdminErrorResponse };

const CANNOT_DELETE = "Cannot delete organization with existing projects";
const HAS_PROJECTS = "Please delete or transfer all projects before deleting the organization.";
const STILL_DELETING = "Deletion of your projects is still being processed, please try deleting the organization later";

function toOrganization(row: OrganizationRow, projects: OrganizationProject[]): AdminOrganization {
  const { metadata } = row;
  const isObject = metadata !== null && typeof metadata === "object" && !Array.isArray(metadata);
  return { id: row.id, name: row.name, createdAt: row.createdAt, metadata: isObject ? (metadata as Record<string, unknown>) : {}, projects };
}

/** `/api/admin/organizations[/{organizationId}]`: the instance's organizations with their live projects. */
export const organizationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { organizations, projects, apiKeys } = services.repositories;

  const findOrganization = async (id: string) => {
    const row = await organizations.findById(id);
    if (!row) throw new NotFoundError("Organization not found");
    return row;
  };

  app.get(
    "/organizations",
    {
      schema: {
        description: "Get all organizations",
        operationId: "organizations_getAll",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        response: { 200: Organizations, ...ADMIN_ERRORS },
      },
    },
    async () => {
      const [rows, projectsByOrganization] = await Promise.all([organizations.list(), projects.liveSummariesByOrganization()]);
      return { organizations: rows.map((row) => toOrganization(row, projectsByOrganization.get(row.id) ?? [])) };
    },
  );

  app.post(
    "/organizations",
    {
      schema: {
        description: "Create a new organization",
        operationId: "organizations_create",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        body: OrganizationRequest,
        response: { 201: AdminOrganization, ...ADMIN_ERRORS },
      },
    },
    async (request, reply) => {
      const { name, metadata } = request.body;
      const row = await organizations.create({ id: randomUUID(), name, metadata: metadata ?? null });
      return reply.status(201).send(toOrganization(row, []));
    },
  );

  app.get(
    "/organizations/:organizationId",
    {
      schema: {
        description: "Get organization by ID",
        operationId: "organizations_getById",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        params: OrganizationIdParams,
        response: { 200: AdminOrganization, ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const row = await findOrganization(request.params.organizationId);
      return toOrganization(row, await projects.listLiveSummaries(row.id));
    },
  );

  app.put(
    "/organizations/:organizationId",
    {
      schema: {
        description: "Update an organization",
        operationId: "organizations_update",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        params: OrganizationIdParams,
        body: OrganizationRequest,
        response: { 200: AdminOrganization, ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const row = await organizations.update(request.params.organizationId, request.body);
      if (!row) throw new NotFoundError("Organization not found");
      return toOrganization(row, await projects.listLiveSummaries(row.id));
    },
  );

  app.delete(
    "/organizations/:organizationId",
    {
      schema: {
        description: "Delete an organization",
        operationId: "organizations_delete",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        params: OrganizationIdParams,
        response: { 200: DeleteOrganizationResponse, ...ADMIN_ERRORS },
      },
    },
    async (request, reply) => {
      const { id } = await findOrganization(request.params.organizationId);
      const { live, deleted } = await projects.countInOrganization(id);
      if (live > 0) return reply.status(400).send({ error: CANNOT_DELETE, message: HAS_PROJECTS });
      if (deleted > 0) return reply.status(400).send({ error: CANNOT_DELETE, message: STILL_DELETING });
      // Listed before the delete: the organization's keys go with it by cascade and must leave the cache too.
      const publicKeys = (await apiKeys.listOrganizationKeys(id)).map((key) => key.publicKey);
      // A project created since the count keeps the organization.
      if (!(await organizations.deleteIfWithoutProjects(id))) return reply.status(400).send({ error: CANNOT_DELETE, message: HAS_PROJECTS });
      await services.keyRevocations.revoked(publicKeys);
      return { success: true };
    },
  );
};
