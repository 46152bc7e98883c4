import { SCIM_SCHEMAS } from "@wick/contracts";

/** What SCIM clients read before provisioning: fixed documents, the same for every organization. */

export const SERVICE_PROVIDER_CONFIG = {
  schemas: [SCIM_SCHEMAS.serviceProviderConfig],
  documentationUri: "https://langfuse.com/docs/administration/scim-and-org-api",
  patch: { supported: false },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 100 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [
    {
      name: "Basic Authentication",
      type: "httpbasic",
      primary: true,
      specUri: "https://datatracker.ietf.org/doc/html/rfc7617",
      description: "An organization-scoped API key: the public key as the user name, the secret key as the password",
    },
  ],
  meta: { resourceType: "ServiceProviderConfig", location: "/api/public/scim/ServiceProviderConfig" },
};

export const RESOURCE_TYPES = {
  schemas: [SCIM_SCHEMAS.listResponse],
  totalResults: 1,
  Resources: [
    {
      schemas: [SCIM_SCHEMAS.resourceType],
      id: "User",
      name: "User",
      endpoint: "/api/public/scim/Users",
      description: "User Account",
      schema: SCIM_SCHEMAS.user,
      schemaExtensions: [],
      meta: { resourceType: "ResourceType", location: "/api/public/scim/ResourceTypes/User" },
    },
  ],
};

/** One attribute as RFC 7643 §7 describes attributes. */
const attribute = (name: string, type: string, description: string, more: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...more,
});

export const SCHEMAS = {
  schemas: [SCIM_SCHEMAS.listResponse],
  totalResults: 1,
  Resources: [
    {
      id: SCIM_SCHEMAS.user,
      name: "User",
      description: "User Account",
      attributes: [
        attribute("id", "string", "Unique identifier of the user", { mutability: "readOnly", returned: "always", uniqueness: "server", caseExact: true }),
        attribute("userName", "string", "The user's email address, stored lowercase", { required: true, uniqueness: "server" }),
        attribute("name", "complex", "The user's name", {
          subAttributes: [attribute("formatted", "string", "The full name")],
        }),
        attribute("emails", "complex", "The user's email address", {
          multiValued: true,
          subAttributes: [
            attribute("value", "string", "The email address"),
            attribute("primary", "boolean", "Whether this is the primary address"),
            attribute("type", "string", "The kind of address, always work"),
          ],
        }),
        attribute("meta", "complex", "Resource metadata", {
          mutability: "readOnly",
          subAttributes: [
            attribute("resourceType", "string", "Always User", { mutability: "readOnly" }),
            attribute("created", "dateTime", "When the user was created", { mutability: "readOnly" }),
            attribute("lastModified", "dateTime", "When the user last changed", { mutability: "readOnly" }),
          ],
        }),
      ],
      meta: { resourceType: "Schema", location: `/api/public/scim/Schemas/${SCIM_SCHEMAS.user}` },
    },
  ],
};
