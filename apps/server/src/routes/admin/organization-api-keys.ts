import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ApiKeyList, ApiKeyResponse, CreateOrganizationApiKeyRequest, DeleteOrganizationResponse, OrganizationApiKeyParams, OrganizationIdParams } from "@wick/contracts";
import { issueApiKey } from "../../domain/api-keys.ts";
import { NotFoundError } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { ADMIN_ERRORS, ADMIN_SECURITY } from "./organizations.ts";

/**
 * `/api/admin/organizations/{organizationId}/apiKeys`: the only way to mint organization keys,
 * which then manage projects and their keys through `/api/public`.
 */
export const organizationApiKeyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { organizations, apiKeys } = services.repositories;

  const requireOrganization = async (id: string) => {
    if (!(await organizations.findById(id))) throw new NotFoundError("Organization not found");
  };

  app.get(
    "/organizations/:organizationId/apiKeys",
    {
      schema: {
        description: "Get all API keys for an organization",
        operationId: "organizations_getApiKeys",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        params: OrganizationIdParams,
        response: { 200: ApiKeyList, ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { organizationId } = request.params;
      await requireOrganization(organizationId);
      return { apiKeys: await apiKeys.listOrganizationKeys(organizationId) };
    },
  );

  app.post(
    "/organizations/:organizationId/apiKeys",
    {
      schema: {
        description: "Create a new API key for an organization",
        operationId: "organizations_createApiKey",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        params: OrganizationIdParams,
        body: CreateOrganizationApiKeyRequest,
        response: { 201: ApiKeyResponse, ...ADMIN_ERRORS },
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params;
      await requireOrganization(organizationId);
      const key = await issueApiKey(apiKeys, services.salt, { scope: "ORGANIZATION", organizationId }, { note: request.body.note });
      const { createdAt } = (await apiKeys.findSummary(key.id))!;
      const { id, note, publicKey, secretKey, displaySecretKey } = key;
      return reply.status(201).send({ id, createdAt, note, publicKey, secretKey, displaySecretKey });
    },
  );

  app.delete(
    "/organizations/:organizationId/apiKeys/:apiKeyId",
    {
      schema: {
        description: "Delete an API key for an organization",
        operationId: "organizations_deleteApiKey",
        tags: ["Organizations"],
        security: ADMIN_SECURITY,
        params: OrganizationApiKeyParams,
        response: { 200: DeleteOrganizationResponse, ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { organizationId, apiKeyId } = request.params;
      await requireOrganization(organizationId);
      const publicKey = await apiKeys.deleteOrganizationKey(organizationId, apiKeyId);
      if (publicKey === undefined) throw new NotFoundError("API key not found");
      await services.keyRevocations.revoked([publicKey]);
      return { success: true };
    },
  );
};
