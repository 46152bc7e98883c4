import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  DeleteMembershipRequest,
  MembershipDeletionResponse,
  MembershipRequest,
  MembershipResponse,
  MembershipsResponse,
  OrganizationManagementError,
  ProjectIdParams,
} from "@wick/contracts";
import { NotFoundError } from "../../errors.ts";
import { authScope } from "../../plugins/public-auth.ts";
import { zodIssues } from "../../plugins/validation-issues.ts";
import type { Services } from "../../services.ts";
import { familyErrorHandler, ORGANIZATION_KEY_ONLY } from "./management-errors.ts";

/** Both membership families name the problem in `error` and list zod's issues with a bad body. */
const membershipErrors = familyErrorHandler(
  (message) => ({ error: message }),
  (_issues, error) => ({ error: "Invalid request body", details: zodIssues(error) }),
);

const errors = { 400: OrganizationManagementError, 401: OrganizationManagementError, 403: OrganizationManagementError, 404: OrganizationManagementError };

/**
 * Who belongs to the key's organization and its projects, with which role. Any user of the
 * instance can be added to an organization; a project role needs the organization membership.
 * Neither family protects the last owner: only SCIM deprovisioning does, as in the reference.
 */
export const membershipRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { memberships, projects, users } = services.repositories;
  const config = { auth: ORGANIZATION_KEY_ONLY, methodNotAllowedBody: { error: "Method not allowed" } };

  const liveProjectOfKey = async (request: FastifyRequest, projectId: string) => {
    const project = await projects.findInOrganization(projectId, authScope(request).orgId);
    // Another organization's project answers as a missing one, so keys cannot probe for ids.
    if (!project) throw new NotFoundError("Project not found or does not belong to this organization");
    return project;
  };

  app.get(
    "/organizations/memberships",
    {
      config,
      errorHandler: membershipErrors,
      schema: {
        description: "Get all memberships for the organization associated with the API key (requires organization-scoped API key)",
        operationId: "organizations_getOrganizationMemberships",
        tags: ["Organizations"],
        response: { 200: MembershipsResponse, ...errors },
      },
    },
    async (request) => ({ memberships: await memberships.listOrganizationMembers(authScope(request).orgId) }),
  );

  app.put(
    "/organizations/memberships",
    {
      config,
      errorHandler: membershipErrors,
      schema: {
        description: "Create or update a membership for the organization associated with the API key (requires organization-scoped API key)",
        operationId: "organizations_updateOrganizationMembership",
        tags: ["Organizations"],
        body: MembershipRequest,
        response: { 200: MembershipResponse, ...errors },
      },
    },
    async (request) => {
      const { userId, role } = request.body;
      if (!(await users.findById(userId))) throw new NotFoundError("User not found");
      return memberships.upsertOrganizationMembership(authScope(request).orgId, userId, role);
    },
  );

  app.delete(
    "/organizations/memberships",
    {
      config,
      errorHandler: membershipErrors,
      schema: {
        description:
          "Delete a membership from the organization associated with the API key (requires organization-scoped API key). Succeeds when the user was not a member; the user's project memberships in the organization go with it.",
        operationId: "organizations_deleteOrganizationMembership",
        tags: ["Organizations"],
        body: DeleteMembershipRequest,
        response: { 200: MembershipDeletionResponse, ...errors },
      },
    },
    async (request) => {
      const { userId } = request.body;
      await memberships.removeFromOrganization(authScope(request).orgId, userId);
      return { message: "Membership deleted successfully", userId };
    },
  );

  app.get(
    "/projects/:projectId/memberships",
    {
      config,
      errorHandler: membershipErrors,
      schema: {
        description: "Get all memberships for a specific project (requires organization-scoped API key). Users who only hold their organization role are not listed.",
        operationId: "organizations_getProjectMemberships",
        tags: ["Organizations"],
        params: ProjectIdParams,
        response: { 200: MembershipsResponse, ...errors },
      },
    },
    async (request) => {
      const project = await liveProjectOfKey(request, request.params.projectId);
      return { memberships: await memberships.listProjectMembers(project.id) };
    },
  );

  app.put(
    "/projects/:projectId/memberships",
    {
      config,
      errorHandler: membershipErrors,
      schema: {
        description: "Create or update a membership for a specific project (requires organization-scoped API key). The user must already be a member of the organization.",
        operationId: "organizations_updateProjectMembership",
        tags: ["Organizations"],
        params: ProjectIdParams,
        body: MembershipRequest,
        response: { 200: MembershipResponse, ...errors },
      },
    },
    async (request) => {
      const project = await liveProjectOfKey(request, request.params.projectId);
      const { userId, role } = request.body;
      const member = await memberships.upsertProjectMembership(project.orgId, project.id, userId, role);
      if (!member) throw new NotFoundError("User is not a member of this organization");
      return member;
    },
  );

  app.delete(
    "/projects/:projectId/memberships",
    {
      config,
      errorHandler: membershipErrors,
      schema: {
        description: "Delete a membership from a specific project (requires organization-scoped API key). The user must be a member of the organization.",
        operationId: "organizations_deleteProjectMembership",
        tags: ["Organizations"],
        params: ProjectIdParams,
        body: DeleteMembershipRequest,
        response: { 200: MembershipDeletionResponse, ...errors },
      },
    },
    async (request) => {
      const project = await liveProjectOfKey(request, request.params.projectId);
      const { userId } = request.body;
      if (!(await memberships.deleteProjectMembership(project.id, userId))) throw new NotFoundError("Project membership not found");
      return { message: "Project membership deleted successfully", userId };
    },
  );
};
