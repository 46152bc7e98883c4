import { randomUUID } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { fastHashSecret, type KeyPair } from "@wick/auth";
import {
  ApiKeyDeletionResponse,
  ApiKeyList,
  ApiKeyResponse,
  CreateProjectApiKeyRequest,
  ManagedProject,
  OrganizationApiKeysResponse,
  OrganizationManagementError,
  OrganizationProjectsResponse,
  ProjectApiKeyParams,
  ProjectDeletionResponse,
  ProjectIdParams,
  ProjectManagementError,
  ProjectRequest,
} from "@wick/contracts";
import type { ProjectRow } from "@wick/postgres";
import { issueApiKey } from "../../domain/api-keys.ts";
import { ConflictError, InvalidRequestError, NotFoundError } from "../../errors.ts";
import { authScope } from "../../plugins/public-auth.ts";
import { issueTree } from "../../plugins/validation-issues.ts";
import type { Services } from "../../services.ts";
import { familyErrorHandler, ORGANIZATION_KEY_ONLY } from "./management-errors.ts";

const PROJECT_NOT_FOUND = "Project not found or you don't have access to it";

const messageBody = (message: string) => ({ message });
/** `/projects` and `/projects/{projectId}`: each check of the body has its own message. */
const projectErrors = familyErrorHandler(messageBody, (issues) => messageBody(issues[0]!.message));
/** `/projects/{projectId}/apiKeys*`: a body of the wrong shape is described by zod's error tree. */
const projectKeyErrors = familyErrorHandler(messageBody, (issues) => ({ message: "Invalid request body", details: issueTree(issues) }));
/** `/organizations/*` names the problem in `error`. */
const organizationErrors = familyErrorHandler((message) => ({ error: message }));

function toManagedProject(row: ProjectRow): ManagedProject {
  const { metadata } = row;
  const isObject = metadata !== null && typeof metadata === "object" && !Array.isArray(metadata);
  return {
    id: row.id,
    name: row.name,
    metadata: isObject ? (metadata as Record<string, unknown>) : {},
    ...(row.retentionDays ? { retentionDays: row.retentionDays } : {}),
  };
}

/** The key pair a client chose, after the reference's checks; undefined when it wants one generated. */
function predefinedKeyPair(publicKey: string | undefined, secretKey: string | undefined): KeyPair | undefined {
  if (!publicKey && !secretKey) return undefined;
  if (!publicKey || !secretKey) {
    throw new InvalidRequestError("Both publicKey and secretKey must be provided together when specifying predefined keys");
  }
  if (!publicKey.startsWith("pk-lf-")) throw new InvalidRequestError("publicKey must start with 'pk-lf-'");
  if (!secretKey.startsWith("sk-lf-")) throw new InvalidRequestError("secretKey must start with 'sk-lf-'");
  return { publicKey, secretKey };
}

/**
 * What an organization key manages: its organization's projects and their keys. A project of
 * another organization answers exactly as a missing one does.
 */
export const organizationManagementRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { projects, apiKeys } = services.repositories;
  const config = { auth: ORGANIZATION_KEY_ONLY };

  /** Key routes reach soft-deleted projects too, as the reference's do. */
  const findProject = async (request: FastifyRequest, projectId: string, options: { includeDeleted?: boolean } = {}) => {
    const project = await projects.findInOrganization(projectId, authScope(request).orgId, options);
    if (!project) throw new NotFoundError(PROJECT_NOT_FOUND);
    return project;
  };

  app.post(
    "/projects",
    {
      config,
      errorHandler: projectErrors,
      schema: {
        description: "Create a new project (requires organization-scoped API key)",
        operationId: "projects_create",
        tags: ["Projects"],
        body: ProjectRequest,
        response: { 201: ManagedProject, 400: ProjectManagementError, 401: ProjectManagementError, 403: ProjectManagementError, 409: ProjectManagementError },
      },
    },
    async (request, reply) => {
      const { orgId } = authScope(request);
      const { name, metadata, retention } = request.body;
      if (await projects.liveNameExists(orgId, name)) throw new ConflictError("A project with this name already exists in your organization");
      const row = await projects.create({ id: randomUUID(), orgId, name, metadata, retentionDays: retention });
      return reply.status(201).send(toManagedProject(row));
    },
  );

  app.put(
    "/projects/:projectId",
    {
      config,
      errorHandler: projectErrors,
      schema: {
        description: "Update a project by ID (requires organization-scoped API key).",
        operationId: "projects_update",
        tags: ["Projects"],
        params: ProjectIdParams,
        body: ProjectRequest,
        response: { 200: ManagedProject, 400: ProjectManagementError, 401: ProjectManagementError, 403: ProjectManagementError, 404: ProjectManagementError },
      },
    },
    async (request) => {
      const project = await findProject(request, request.params.projectId);
      const { name, metadata, retention } = request.body;
      const row = await projects.update(project.id, { name, metadata, retentionDays: retention });
      if (!row) throw new NotFoundError(PROJECT_NOT_FOUND);
      return toManagedProject(row);
    },
  );

  app.delete(
    "/projects/:projectId",
    {
      config,
      errorHandler: projectErrors,
      schema: {
        description: "Delete a project by ID (requires organization-scoped API key). Project deletion is processed asynchronously.",
        operationId: "projects_delete",
        tags: ["Projects"],
        params: ProjectIdParams,
        response: { 202: ProjectDeletionResponse, 401: ProjectManagementError, 403: ProjectManagementError, 404: ProjectManagementError },
      },
    },
    async (request, reply) => {
      const project = await findProject(request, request.params.projectId);
      // Deleted first and then forgotten, so no request can put a key back in the cache in between.
      await services.keyRevocations.revoked(await apiKeys.deleteProjectKeys(project.id));
      await projects.softDelete(project.id);
      // After the soft delete: a blob storage or LLM connection save holds the project until it commits, so none can follow this.
      await services.blobStorage.forgetProject(project.id);
      await services.llmConnections.forgetProject(project.id);
      // The data goes in the background, as the reference's deletion job does; a failure is left to the server's next pass.
      services.projectPurge.purge(project.id).catch((error: unknown) => request.log.warn({ err: error }, "project data removal deferred"));
      return reply.status(202).send({ success: true, message: "Project deletion has been initiated and is being processed asynchronously" });
    },
  );

  app.get(
    "/projects/:projectId/apiKeys",
    {
      config,
      errorHandler: projectKeyErrors,
      schema: {
        description: "Get all API keys for a project (requires organization-scoped API key)",
        operationId: "projects_getApiKeys",
        tags: ["Projects"],
        params: ProjectIdParams,
        response: { 200: ApiKeyList, 401: ProjectManagementError, 403: ProjectManagementError, 404: ProjectManagementError },
      },
    },
    async (request) => {
      const project = await findProject(request, request.params.projectId, { includeDeleted: true });
      return { apiKeys: await apiKeys.listProjectKeys(project.id) };
    },
  );

  app.post(
    "/projects/:projectId/apiKeys",
    {
      config,
      errorHandler: projectKeyErrors,
      schema: {
        description: "Create a new API key for a project (requires organization-scoped API key)",
        operationId: "projects_createApiKey",
        tags: ["Projects"],
        params: ProjectIdParams,
        body: CreateProjectApiKeyRequest,
        response: {
          201: ApiKeyResponse,
          400: ProjectManagementError,
          401: ProjectManagementError,
          403: ProjectManagementError,
          404: ProjectManagementError,
          409: ProjectManagementError,
        },
      },
    },
    async (request, reply) => {
      const project = await findProject(request, request.params.projectId, { includeDeleted: true });
      const keyPair = predefinedKeyPair(request.body.publicKey, request.body.secretKey);
      const owner = { scope: "PROJECT", projectId: project.id } as const;
      const key = await issueApiKey(apiKeys, services.salt, owner, { note: request.body.note, keyPair }).catch(async (error: unknown) => {
        // The unique columns refused the insert: say which request was at fault, not that the server failed.
        if (keyPair && (await apiKeys.isTaken(keyPair.publicKey, fastHashSecret(keyPair.secretKey, services.salt)))) {
          throw new ConflictError("API key with the provided publicKey or secretKey already exists");
        }
        throw error;
      });
      const { createdAt } = (await apiKeys.findSummary(key.id))!;
      const { id, note, publicKey, secretKey, displaySecretKey } = key;
      return reply.status(201).send({ id, createdAt, note, publicKey, secretKey, displaySecretKey });
    },
  );

  app.delete(
    "/projects/:projectId/apiKeys/:apiKeyId",
    {
      config,
      errorHandler: projectKeyErrors,
      schema: {
        description: "Delete an API key for a project (requires organization-scoped API key)",
        operationId: "projects_deleteApiKey",
        tags: ["Projects"],
        params: ProjectApiKeyParams,
        response: { 200: ApiKeyDeletionResponse, 401: ProjectManagementError, 403: ProjectManagementError, 404: ProjectManagementError },
      },
    },
    async (request) => {
      const project = await findProject(request, request.params.projectId, { includeDeleted: true });
      const publicKey = await apiKeys.deleteProjectKey(project.id, request.params.apiKeyId);
      if (publicKey === undefined) throw new NotFoundError("API key not found");
      await services.keyRevocations.revoked([publicKey]);
      return { success: true };
    },
  );

  app.get(
    "/organizations/projects",
    {
      config,
      errorHandler: organizationErrors,
      schema: {
        description: "Get all projects for the organization associated with the API key (requires organization-scoped API key)",
        operationId: "organizations_getOrganizationProjects",
        tags: ["Organizations"],
        response: { 200: OrganizationProjectsResponse, 401: OrganizationManagementError, 403: OrganizationManagementError },
      },
    },
    async (request) => ({ projects: await projects.listLiveSummaries(authScope(request).orgId) }),
  );

  app.get(
    "/organizations/apiKeys",
    {
      config,
      errorHandler: organizationErrors,
      schema: {
        description: "Get all API keys for the organization associated with the API key (requires organization-scoped API key)",
        operationId: "organizations_getOrganizationApiKeys",
        tags: ["Organizations"],
        response: { 200: OrganizationApiKeysResponse, 401: OrganizationManagementError, 403: OrganizationManagementError },
      },
    },
    async (request) => ({ apiKeys: await apiKeys.listOrganizationKeys(authScope(request).orgId) }),
  );
};
