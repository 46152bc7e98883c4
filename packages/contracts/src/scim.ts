import { z } from "zod";

/**
 * SCIM 2.0 resources under `/api/public/scim`: the discovery documents and the organization's
 * users. Request bodies are read by the handlers (they may arrive as `application/scim+json`), so
 * only responses are described here.
 */

export const SCIM_SCHEMAS = {
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
  listResponse: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patchOp: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  resourceType: "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
  serviceProviderConfig: "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
} as const;

export const ScimError = z
  .object({ schemas: z.array(z.string()), detail: z.string(), status: z.number().int().describe("The HTTP status, as a number") })
  .meta({ id: "ScimError" });

const Supported = z.object({ supported: z.boolean() });
const ResourceMeta = z.object({ resourceType: z.string(), location: z.string() });

export const ServiceProviderConfig = z
  .object({
    schemas: z.array(z.string()),
    documentationUri: z.string(),
    patch: Supported,
    bulk: z.object({ supported: z.boolean(), maxOperations: z.number().int(), maxPayloadSize: z.number().int() }),
    filter: z.object({ supported: z.boolean(), maxResults: z.number().int() }),
    changePassword: Supported,
    sort: Supported,
    etag: Supported,
    authenticationSchemes: z.array(z.object({ name: z.string(), description: z.string(), specUri: z.string(), type: z.string(), primary: z.boolean() })),
    meta: ResourceMeta,
  })
  .meta({ id: "ServiceProviderConfig" });

export const ResourceTypesResponse = z
  .object({
    schemas: z.array(z.string()),
    totalResults: z.number().int(),
    Resources: z.array(
      z.object({
        schemas: z.array(z.string()),
        id: z.string(),
        name: z.string(),
        endpoint: z.string(),
        description: z.string(),
        schema: z.string(),
        schemaExtensions: z.array(z.object({ schema: z.string(), required: z.boolean() })),
        meta: ResourceMeta,
      }),
    ),
  })
  .meta({ id: "ResourceTypesResponse" });

export const SchemasResponse = z
  .object({
    schemas: z.array(z.string()),
    totalResults: z.number().int(),
    Resources: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), attributes: z.array(z.unknown()), meta: ResourceMeta })),
  })
  .meta({ id: "SchemasResponse" });

const UserMeta = z.object({ resourceType: z.string(), created: z.string().optional(), lastModified: z.string().optional() }).meta({ id: "UserMeta" });

export const ScimUser = z
  .object({
    schemas: z.array(z.string()),
    id: z.string(),
    userName: z.string().describe("The user's email, lowercase"),
    name: z.object({ formatted: z.string().nullable() }),
    emails: z.array(z.object({ primary: z.boolean(), value: z.string(), type: z.string() })),
    meta: UserMeta.describe("Listings carry only resourceType; single users also their timestamps"),
  })
  .meta({ id: "ScimUser" });

/** What PUT answers: the user without name and emails. */
export const ScimUserSummary = z.object({ schemas: z.array(z.string()), id: z.string(), userName: z.string(), meta: UserMeta }).meta({ id: "ScimUserSummary" });

export const ScimUsersListResponse = z
  .object({
    schemas: z.array(z.string()),
    totalResults: z.number().int(),
    startIndex: z.number().int(),
    itemsPerPage: z.number().int(),
    Resources: z.array(ScimUser),
  })
  .meta({ id: "ScimUsersListResponse" });

export const ScimUsersQuery = z.object({
  filter: z.string().optional().describe('Only `userName eq "<email>"` is understood; any other filter is ignored'),
  startIndex: z.string().optional().describe("1-based index of the first user; default 1"),
  count: z.string().optional().describe("Users per page; default 100"),
});

export const ScimUserParams = z.object({ userId: z.string() });

/** A SCIM request body: read by the handler, which answers a SCIM error for a wrong one. */
export const ScimRequestBody = z.unknown().describe("A SCIM JSON object, as application/json or application/scim+json");
