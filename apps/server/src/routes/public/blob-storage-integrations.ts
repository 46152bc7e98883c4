import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  BlobStorageIntegration,
  BlobStorageIntegrationDeletionResponse,
  BlobStorageIntegrationParams,
  BlobStorageIntegrationStatus,
  BlobStorageIntegrationsResponse,
  CreateBlobStorageIntegrationRequest,
  ErrorResponse,
} from "@wick/contracts";
import { authScope, type RouteAuth } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

const ORGANIZATION_KEY_ONLY: RouteAuth = {
  allow: ["organization"],
  forbiddenMessage: "Organization-scoped API key required for this operation.",
  namedErrors: true,
};

const errors = { 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** `/integrations/blob-storage`: a project's scheduled export to a bucket, managed with an organization key. */
export const blobStorageIntegrationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { blobStorage } = services;
  const config = { auth: ORGANIZATION_KEY_ONLY };

  app.get(
    "/integrations/blob-storage",
    {
      config,
      schema: {
        description: "Get all blob storage integrations for the organization (requires organization-scoped API key)",
        operationId: "blobStorageIntegrations_getBlobStorageIntegrations",
        tags: ["BlobStorageIntegrations"],
        response: { 200: BlobStorageIntegrationsResponse, ...errors },
      },
    },
    async (request) => ({ data: await blobStorage.list(authScope(request).orgId) }),
  );

  app.put(
    "/integrations/blob-storage",
    {
      config,
      schema: {
        description:
          "Create or update the blob storage integration of a project (requires organization-scoped API key). The secret access key is stored encrypted and never returned. No test upload is made, as in the reference.",
        operationId: "blobStorageIntegrations_upsertBlobStorageIntegration",
        tags: ["BlobStorageIntegrations"],
        body: CreateBlobStorageIntegrationRequest,
        response: { 200: BlobStorageIntegration, 400: ErrorResponse, ...errors },
      },
    },
    async (request) => blobStorage.upsert(authScope(request).orgId, request.body),
  );

  app.get(
    "/integrations/blob-storage/:id",
    {
      config,
      schema: {
        description: "Get the sync status of a blob storage integration by its id, the project id (requires organization-scoped API key)",
        operationId: "blobStorageIntegrations_getBlobStorageIntegrationStatus",
        tags: ["BlobStorageIntegrations"],
        params: BlobStorageIntegrationParams,
        response: { 200: BlobStorageIntegrationStatus, ...errors },
      },
    },
    async (request) => blobStorage.status(authScope(request).orgId, request.params.id),
  );

  app.delete(
    "/integrations/blob-storage/:id",
    {
      config,
      schema: {
        description: "Delete a blob storage integration by its id, the project id (requires organization-scoped API key)",
        operationId: "blobStorageIntegrations_deleteBlobStorageIntegration",
        tags: ["BlobStorageIntegrations"],
        params: BlobStorageIntegrationParams,
        response: { 200: BlobStorageIntegrationDeletionResponse, ...errors },
      },
    },
    async (request) => {
      await blobStorage.delete(authScope(request).orgId, request.params.id);
      return { message: "Blob storage integration successfully deleted" };
    },
  );
};
