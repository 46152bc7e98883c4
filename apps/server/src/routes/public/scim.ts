import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  MembershipRole,
  ResourceTypesResponse,
  SCIM_SCHEMAS,
  SchemasResponse,
  ScimError,
  ScimRequestBody,
  ScimUser,
  ScimUserParams,
  ScimUsersListResponse,
  ScimUsersQuery,
  ScimUserSummary,
  ServiceProviderConfig,
} from "@wick/contracts";
import type { MembershipChange, UserRow } from "@wick/postgres";
import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from "../../errors.ts";
import { describeError } from "../../plugins/error-handler.ts";
import { authScope } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";
import { ORGANIZATION_KEY_ONLY } from "./management-errors.ts";
import { RESOURCE_TYPES, SCHEMAS, SERVICE_PROVIDER_CONFIG } from "./scim-discovery.ts";

const LAST_OWNER = "Cannot remove the last owner of an organization. Assign new owner or delete organization.";
const ROLES = MembershipRole.options;
const RoleNames = z.array(MembershipRole).min(1);
const DEFAULT_COUNT = 100;

/** Every SCIM failure, authentication included, in the SCIM error envelope with a numeric status. */
function scimErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { statusCode, body } = describeError(error, request);
  if (statusCode >= 500) request.log.error({ err: error }, "request failed");
  const detail = statusCode >= 500 && statusCode !== 503 ? "Internal server error" : String(body.message);
  return reply.status(statusCode).send({ schemas: [SCIM_SCHEMAS.error], detail, status: statusCode });
}

const asObject = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

const listsSchema = (body: Record<string, unknown>, schema: string) => Array.isArray(body.schemas) && body.schemas.includes(schema);

/** The first role of a `roles` array of plain role names; undefined when `roles` is not one. */
function firstValidRole(roles: unknown): MembershipRole | undefined {
  const parsed = RoleNames.safeParse(roles);
  return parsed.success ? parsed.data[0] : undefined;
}

/** A positive integer parameter, or the default for anything else. */
function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number.parseInt(value ?? "", 10);
  return Number.isNaN(parsed) || parsed < 1 ? fallback : parsed;
}

const USER_NAME_FILTER = /^\s*userName\s+eq\s+"([^"]*)"\s*$/i;

const listedUser = (user: UserRow) => ({
  schemas: [SCIM_SCHEMAS.user],
  id: user.id,
  userName: user.email ?? "",
  name: { formatted: user.name },
  emails: user.email === null ? [] : [{ primary: true, value: user.email, type: "work" }],
  meta: { resourceType: "User" },
});

const timestamps = (user: UserRow) => ({ resourceType: "User", created: user.createdAt.toISOString(), lastModified: user.updatedAt.toISOString() });

const fullUser = (user: UserRow) => ({ ...listedUser(user), meta: timestamps(user) });

const refuseLastOwner = (change: MembershipChange) => {
  if (change === "last-owner") throw new ForbiddenError(LAST_OWNER);
};

/**
 * SCIM 2.0 for identity providers: the users of the key's organization are the users holding a
 * membership there. Provisioning adds a membership (creating the user when the email is new);
 * deprovisioning removes it and never deletes the user, who may belong to other organizations.
 */
export const scimRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { memberships, users } = services.repositories;
  const config = { auth: ORGANIZATION_KEY_ONLY };
  const errors = { 400: ScimError, 401: ScimError, 403: ScimError, 404: ScimError, 409: ScimError };

  // Identity providers send application/scim+json (or nothing useful), so every body is read as
  // text and parsed here, with the SCIM error for one that is not JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, text, done) => {
    if (typeof text !== "string" || text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new InvalidRequestError("Invalid JSON body"));
    }
  });
  app.setErrorHandler(scimErrors);

  const discovery = (operationId: string, description: string) => ({ config, schema: { description, operationId, tags: ["Scim"] } });
  const discoveryErrors = { 401: ScimError, 403: ScimError };
  const serviceProviderConfig = discovery("scim_getServiceProviderConfig", "Get SCIM Service Provider Configuration (requires organization-scoped API key)");
  app.get(
    "/scim/ServiceProviderConfig",
    { ...serviceProviderConfig, schema: { ...serviceProviderConfig.schema, response: { 200: ServiceProviderConfig, ...discoveryErrors } } },
    async () => SERVICE_PROVIDER_CONFIG,
  );
  const resourceTypes = discovery("scim_getResourceTypes", "Get SCIM Resource Types (requires organization-scoped API key)");
  app.get(
    "/scim/ResourceTypes",
    { ...resourceTypes, schema: { ...resourceTypes.schema, response: { 200: ResourceTypesResponse, ...discoveryErrors } } },
    async () => RESOURCE_TYPES,
  );
  const schemas = discovery("scim_getSchemas", "Get SCIM Schemas (requires organization-scoped API key)");
  app.get("/scim/Schemas", { ...schemas, schema: { ...schemas.schema, response: { 200: SchemasResponse, ...discoveryErrors } } }, async () => SCHEMAS);

  app.get(
    "/scim/Users",
    {
      config,
      schema: {
        description: 'List users in the organization (requires organization-scoped API key). Only the filter `userName eq "<email>"` is understood.',
        operationId: "scim_listUsers",
        tags: ["Scim"],
        querystring: ScimUsersQuery,
        response: { 200: ScimUsersListResponse, ...errors },
      },
    },
    async (request) => {
      const { filter, startIndex: startParam, count } = request.query;
      const email = filter?.match(USER_NAME_FILTER)?.[1]?.toLowerCase();
      const startIndex = positiveInteger(startParam, 1);
      const page = await memberships.listOrganizationUsers(authScope(request).orgId, {
        ...(email === undefined ? {} : { email }),
        offset: startIndex - 1,
        limit: positiveInteger(count, DEFAULT_COUNT),
      });
      return {
        schemas: [SCIM_SCHEMAS.listResponse],
        totalResults: page.total,
        startIndex,
        itemsPerPage: page.users.length,
        Resources: page.users.map(listedUser),
      };
    },
  );

  app.post(
    "/scim/Users",
    {
      config,
      schema: {
        description:
          "Create a user in the organization (requires organization-scoped API key). A user known to another organization is reused; the membership gets the first of `roles`, else NONE.",
        operationId: "scim_createUser",
        tags: ["Scim"],
        body: ScimRequestBody,
        response: { 201: ScimUser, ...errors },
      },
    },
    async (request, reply) => {
      const body = asObject(request.body);
      if (typeof body.userName !== "string" || body.userName === "") throw new InvalidRequestError("userName is required");
      const { roles } = body;
      const role = firstValidRole(roles);
      if (Array.isArray(roles) && roles.length > 0 && role === undefined) {
        throw new InvalidRequestError(`Invalid roles provided: ${JSON.stringify(roles)}, must be one of ${ROLES.join(", ")}`);
      }
      const { orgId } = authScope(request);
      const email = body.userName.toLowerCase();
      const formatted = asObject(body.name).formatted;
      const name = typeof formatted === "string" ? formatted : typeof body.displayName === "string" ? body.displayName : null;
      const user = await users.ensureByEmail({ email, name });
      // The insert decides, so two provisioning calls for one email cannot both succeed.
      if (!(await memberships.addToOrganization(orgId, user.id, role ?? "NONE"))) {
        throw new ConflictError("User with this userName already exists");
      }
      return reply.status(201).send(fullUser(user));
    },
  );

  /** Every `Users/{id}` method looks the id up across the instance first. */
  const knownUser = async (userId: string) => {
    const user = await users.findById(userId);
    if (!user) throw new NotFoundError("User not found");
    return user;
  };
  const memberOfKey = async (request: FastifyRequest, user: UserRow) => {
    if (!(await memberships.findOrganizationMember(authScope(request).orgId, user.id))) throw new NotFoundError("User not found in organization");
    return fullUser(user);
  };

  app.get(
    "/scim/Users/:userId",
    {
      config,
      schema: {
        description: "Get a specific user by ID (requires organization-scoped API key)",
        operationId: "scim_getUser",
        tags: ["Scim"],
        params: ScimUserParams,
        response: { 200: ScimUser, ...errors },
      },
    },
    async (request) => memberOfKey(request, await knownUser(request.params.userId)),
  );

  app.put(
    "/scim/Users/:userId",
    {
      config,
      schema: {
        description:
          "Replace a user (requires organization-scoped API key). `active: true` ensures the membership (with the first of `roles` when given), `active: false` removes it.",
        operationId: "scim_replaceUser",
        tags: ["Scim"],
        params: ScimUserParams,
        body: ScimRequestBody,
        response: { 200: ScimUserSummary, ...errors },
      },
    },
    async (request) => {
      const user = await knownUser(request.params.userId);
      const body = asObject(request.body);
      if (!listsSchema(body, SCIM_SCHEMAS.user)) throw new InvalidRequestError(`Invalid request body. Must include 'schemas' with '${SCIM_SCHEMAS.user}'.`);
      const { orgId } = authScope(request);
      if (body.active === true) refuseLastOwner(await memberships.ensureOrganizationMembershipKeepingAnOwner(orgId, user.id, firstValidRole(body.roles)));
      if (body.active === false) refuseLastOwner(await memberships.removeFromOrganizationKeepingAnOwner(orgId, user.id));
      return { schemas: [SCIM_SCHEMAS.user], id: user.id, userName: user.email ?? "", meta: timestamps(user) };
    },
  );

  app.patch(
    "/scim/Users/:userId",
    {
      config,
      schema: {
        description:
          "Activate or deactivate a user (requires organization-scoped API key). Only `replace` operations with `value: {active: boolean}` are supported; a deactivated user answers 404 afterwards.",
        operationId: "scim_patchUser",
        tags: ["Scim"],
        params: ScimUserParams,
        body: ScimRequestBody,
        response: { 200: ScimUser, ...errors },
      },
    },
    async (request) => {
      const user = await knownUser(request.params.userId);
      const body = asObject(request.body);
      if (!listsSchema(body, SCIM_SCHEMAS.patchOp)) throw new InvalidRequestError(`Invalid request body. Must include 'schemas' with '${SCIM_SCHEMAS.patchOp}'.`);
      if (!Array.isArray(body.Operations)) throw new InvalidRequestError("Invalid request body. Must include 'Operations' array with at least one operation.");
      // Checked before any is applied, so a rejected request changes nothing.
      const activations = body.Operations.map((operation) => {
        const { op, value } = asObject(operation);
        const active = asObject(value).active;
        if (op !== "replace" || typeof active !== "boolean") {
          throw new InvalidRequestError("Unsupported operation or invalid value in request body. Only 'replace' with 'active' field is supported.");
        }
        return active;
      });
      const { orgId } = authScope(request);
      for (const active of activations) {
        refuseLastOwner(
          active ? await memberships.ensureOrganizationMembershipKeepingAnOwner(orgId, user.id) : await memberships.removeFromOrganizationKeepingAnOwner(orgId, user.id),
        );
      }
      return memberOfKey(request, user);
    },
  );

  app.delete(
    "/scim/Users/:userId",
    {
      config,
      schema: {
        description: "Remove a user from the organization (requires organization-scoped API key). The user itself is kept; the last owner cannot be removed.",
        operationId: "scim_deleteUser",
        tags: ["Scim"],
        params: ScimUserParams,
        response: { 204: z.null().describe("Removed; no body"), ...errors },
      },
    },
    async (request, reply) => {
      const user = await knownUser(request.params.userId);
      refuseLastOwner(await memberships.removeFromOrganizationKeepingAnOwner(authScope(request).orgId, user.id));
      return reply.status(204).send(null);
    },
  );
};
