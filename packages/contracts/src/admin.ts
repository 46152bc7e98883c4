import { z } from "zod";
import { boundedName, MetadataInput, OrganizationProject } from "./organization-management.ts";

/** Shapes of the instance management API under `/api/admin`. */

/** Body of creating and of updating an organization. */
export const OrganizationRequest = z.object({
  name: boundedName(),
  metadata: MetadataInput.nullable().optional().describe("Optional metadata for the organization; null clears it, omitting it on update keeps it"),
});

export const OrganizationIdParams = z.object({ organizationId: z.string() });
export const OrganizationApiKeyParams = z.object({ organizationId: z.string(), apiKeyId: z.string() });

/** The reference calls this `Organization`; that name already stands for `{id, name}` in the public API. */
export const AdminOrganization = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.date(),
    metadata: z.record(z.string(), z.unknown()).describe("Metadata for the organization; {} when none"),
    projects: z.array(OrganizationProject).describe("The organization's projects that are not deleted"),
  })
  .describe("Organization object")
  .meta({ id: "AdminOrganization" });

export const Organizations = z
  .object({ organizations: z.array(AdminOrganization) })
  .describe("List of organizations")
  .meta({ id: "Organizations" });

export const DeleteOrganizationResponse = z.object({ success: z.boolean() }).describe("Response for successful deletion").meta({ id: "DeleteOrganizationResponse" });

export const CreateOrganizationApiKeyRequest = z.object({
  note: z.string().optional().describe("Optional note for the API key"),
});

/**
 * A rejected admin request: `error` with the issues in `details` for a body of the wrong shape,
 * `error` and `message` for an organization that still has projects, `message` alone for metadata.
 */
export const AdminBadRequestResponse = z
  .object({ error: z.string().optional(), message: z.string().optional(), details: z.unknown().optional() })
  .meta({ id: "AdminBadRequestResponse" });

export type AdminOrganization = z.infer<typeof AdminOrganization>;

// ---- POST /api/admin/api-keys (auth-admin.md §4.4; operational, not in the admin spec) ----------

const ProjectIds = z.array(z.string().min(1)).min(1).max(1000);

/** What to do with the project keys of some projects, or with every cached key. */
export const AdminApiKeysRequest = z.discriminatedUnion("action", [
  z.object({ action: z.literal("delete"), projectIds: ProjectIds }).describe("Delete the projects' keys and forget them"),
  z.object({ action: z.literal("invalidate"), projectIds: ProjectIds }).describe("Forget the projects' cached keys; the next request checks them again"),
  z.object({ action: z.literal("invalidate-all") }).describe("Forget every cached key"),
]);
export type AdminApiKeysRequest = z.infer<typeof AdminApiKeysRequest>;

export const AdminApiKeysResponse = z.object({ message: z.string(), invalidatedCount: z.number().int().optional() });
