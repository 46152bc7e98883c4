import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, callPublic, createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const ORG_KEY_REQUIRED = "Invalid API key. Organization-scoped API key required for this operation.";
const INVALID_CREDENTIALS = "Invalid credentials. Confirm that you've configured the correct host.";
const PROJECT_NOT_FOUND = "Project not found or does not belong to this organization";

type Method = "GET" | "PUT" | "DELETE";

describe.each(postgresModes())("organization and project memberships (%s Postgres)", (mode) => {
  let t: TestApp;
  let orgKey: string;
  /** Another organization, with a project and an organization key of its own. */
  let other: TestProject & { orgKey: string };
  let emails = 0;

  const organizationKey = async (organizationId: string) => {
    const key = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId });
    return basicAuthHeader(key.publicKey, key.secretKey);
  };
  const newUser = (name: string | null = "Ann Example") => t.services.repositories.users.ensureByEmail({ email: `User${++emails}@Example.com`, name });

  beforeAll(async () => {
    t = await createTestApp(mode);
    orgKey = await organizationKey(t.project.orgId);
    const otherProject = await t.createProject();
    other = { ...otherProject, orgKey: await organizationKey(otherProject.orgId) };
  });
  afterAll(async () => t?.close());

  const call = (method: Method, url: string, authorization: string | null, body?: unknown) => callPublic(t, method, url, { authorization, body });
  const reference = (method: Method, path: string) => ({ method, path: `/api/public${path}` });

  describe("authentication", () => {
    const routes: Array<[Method, string, unknown?]> = [
      ["GET", "/organizations/memberships"],
      ["PUT", "/organizations/memberships", { userId: "u", role: "ADMIN" }],
      ["DELETE", "/organizations/memberships", { userId: "u" }],
      ["GET", "/projects/some-project/memberships"],
      ["PUT", "/projects/some-project/memberships", { userId: "u", role: "ADMIN" }],
      ["DELETE", "/projects/some-project/memberships", { userId: "u" }],
    ];

    it.each(routes)("answers %s %s with {error} bodies: 401 without or with wrong credentials, 403 for a project key", async (method, url, body) => {
      const missing = await call(method, url, null, body);
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toEqual({ error: "No authorization header" });
      const wrong = await call(method, url, basicAuthHeader("pk-lf-unknown", "sk-lf-unknown"), body);
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ error: INVALID_CREDENTIALS });
      const projectKey = await call(method, url, t.project.basic, body);
      expect(projectKey.statusCode).toBe(403);
      expect(projectKey.json()).toEqual({ error: ORG_KEY_REQUIRED });
    });
  });

  it.each([
    ["POST", "/organizations/memberships"],
    ["PATCH", "/organizations/memberships"],
    ["POST", "/projects/some-project/memberships"],
  ] as const)("answers %s %s with 405 {error: Method not allowed} before authenticating", async (method, url) => {
    const response = await callPublic(t, method, url, { authorization: null, body: {} });
    expect(response.statusCode).toBe(405);
    expect(response.json()).toEqual({ error: "Method not allowed" });
  });

  describe("organization memberships", () => {
    it("adds a user with PUT, changes the role with a second PUT and lists them, NONE and null names included", async () => {
      const user = await newUser();
      const nameless = await newUser(null);
      const added = await call("PUT", "/organizations/memberships", orgKey, { userId: user.id, role: "MEMBER" });
      expect(added.statusCode).toBe(200);
      expect(added.json()).toEqual({ userId: user.id, role: "MEMBER", email: user.email, name: "Ann Example" });
      expect(user.email).toMatch(/^user\d+@example\.com$/);
      expectReferenceResponse(reference("PUT", "/organizations/memberships"), 200, added.json());

      const changed = await call("PUT", "/organizations/memberships", orgKey, { userId: user.id, role: "ADMIN" });
      expect(changed.json()).toEqual({ userId: user.id, role: "ADMIN", email: user.email, name: "Ann Example" });
      const none = await call("PUT", "/organizations/memberships", orgKey, { userId: nameless.id, role: "NONE" });
      expect(none.statusCode).toBe(200);
      expect(none.json()).toEqual({ userId: nameless.id, role: "NONE", email: nameless.email, name: null });

      const list = await call("GET", "/organizations/memberships", orgKey);
      expect(list.statusCode).toBe(200);
      const memberships = list.json().memberships as Array<{ userId: string }>;
      expect(memberships).toContainEqual({ userId: user.id, role: "ADMIN", email: user.email, name: "Ann Example" });
      expect(memberships).toContainEqual({ userId: nameless.id, role: "NONE", email: nameless.email, name: null });
      const described = memberships.filter((membership) => membership.userId === user.id);
      expectReferenceResponse(reference("GET", "/organizations/memberships"), 200, { memberships: described });
    });

    it("answers 404 {error: User not found} for a user id the instance does not know", async () => {
      const response = await call("PUT", "/organizations/memberships", orgKey, { userId: "no-such-user", role: "ADMIN" });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "User not found" });
    });

    it.each([
      ["no body", undefined, []],
      ["a role outside the enum", { userId: "u", role: "SUPERUSER" }, ["role"]],
      ["a numeric userId", { userId: 5, role: "ADMIN" }, ["userId"]],
    ])("answers 400 with zod's issues for %s, naming the field", async (_case, body, path) => {
      const response = await call("PUT", "/organizations/memberships", orgKey, body);
      expect(response.statusCode).toBe(400);
      const json = response.json();
      expect(json.error).toBe("Invalid request body");
      expect(json.details).toContainEqual(expect.objectContaining({ path, code: expect.any(String), message: expect.any(String) }));
    });

    it("answers a DELETE without a userId with 400", async () => {
      const response = await call("DELETE", "/organizations/memberships", orgKey, {});
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: "Invalid request body", details: [expect.objectContaining({ path: ["userId"] })] });
    });

    it("deletes a membership (200 even when there was none), taking the user's project memberships with it", async () => {
      const user = await newUser();
      await call("PUT", "/organizations/memberships", orgKey, { userId: user.id, role: "OWNER" });
      await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: user.id, role: "VIEWER" });
      const deleted = await call("DELETE", "/organizations/memberships", orgKey, { userId: user.id });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toEqual({ message: "Membership deleted successfully", userId: user.id });
      expectReferenceResponse(reference("DELETE", "/organizations/memberships"), 200, deleted.json());
      const projectList = await call("GET", `/projects/${t.project.id}/memberships`, orgKey);
      expect(projectList.json().memberships).not.toContainEqual(expect.objectContaining({ userId: user.id }));
      const again = await call("DELETE", "/organizations/memberships", orgKey, { userId: user.id });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ message: "Membership deleted successfully", userId: user.id });
      expect(await t.services.repositories.users.findById(user.id)).toBeDefined();
    });

    it("does not protect the last owner, as the reference does not", async () => {
      const { orgId } = await t.createProject();
      const key = await organizationKey(orgId);
      const owner = await newUser();
      await call("PUT", "/organizations/memberships", key, { userId: owner.id, role: "OWNER" });
      const demoted = await call("PUT", "/organizations/memberships", key, { userId: owner.id, role: "VIEWER" });
      expect(demoted.json().role).toBe("VIEWER");
      const removed = await call("DELETE", "/organizations/memberships", key, { userId: owner.id });
      expect(removed.statusCode).toBe(200);
    });

    it("keeps organizations apart: another organization's key neither sees nor removes this organization's members", async () => {
      const user = await newUser();
      await call("PUT", "/organizations/memberships", orgKey, { userId: user.id, role: "MEMBER" });
      const seen = await call("GET", "/organizations/memberships", other.orgKey);
      expect(seen.json().memberships).not.toContainEqual(expect.objectContaining({ userId: user.id }));
      await call("DELETE", "/organizations/memberships", other.orgKey, { userId: user.id });
      const mine = await call("GET", "/organizations/memberships", orgKey);
      expect(mine.json().memberships).toContainEqual(expect.objectContaining({ userId: user.id, role: "MEMBER" }));
    });
  });

  describe("project memberships", () => {
    const orgMember = async (role = "MEMBER", key = orgKey) => {
      const user = await newUser();
      await call("PUT", "/organizations/memberships", key, { userId: user.id, role });
      return user;
    };

    it("gives an organization member a project role, changes it, lists only explicit memberships", async () => {
      const user = await orgMember("NONE");
      const inheriting = await orgMember("ADMIN");
      const put = await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: user.id, role: "VIEWER" });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({ userId: user.id, role: "VIEWER", email: user.email, name: "Ann Example" });
      expectReferenceResponse(reference("PUT", "/projects/{projectId}/memberships"), 200, put.json());
      const changed = await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: user.id, role: "NONE" });
      expect(changed.json()).toEqual({ userId: user.id, role: "NONE", email: user.email, name: "Ann Example" });
      await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: user.id, role: "ADMIN" });

      const list = await call("GET", `/projects/${t.project.id}/memberships`, orgKey);
      expect(list.statusCode).toBe(200);
      const memberships = list.json().memberships as Array<{ userId: string }>;
      expect(memberships).toContainEqual({ userId: user.id, role: "ADMIN", email: user.email, name: "Ann Example" });
      expect(memberships).not.toContainEqual(expect.objectContaining({ userId: inheriting.id }));
      expectReferenceResponse(reference("GET", "/projects/{projectId}/memberships"), 200, list.json());
    });

    it("answers 404 {error} for a user who is not a member of the organization", async () => {
      const outsider = await newUser();
      const response = await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: outsider.id, role: "VIEWER" });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "User is not a member of this organization" });
      const otherOrgMember = await orgMember("OWNER", other.orgKey);
      const foreign = await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: otherOrgMember.id, role: "VIEWER" });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toEqual({ error: "User is not a member of this organization" });
    });

    it("deletes a project membership: 200, then 404 {error: Project membership not found}", async () => {
      const user = await orgMember();
      await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: user.id, role: "VIEWER" });
      const deleted = await call("DELETE", `/projects/${t.project.id}/memberships`, orgKey, { userId: user.id });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toEqual({ message: "Project membership deleted successfully", userId: user.id });
      expectReferenceResponse(reference("DELETE", "/projects/{projectId}/memberships"), 200, deleted.json());
      const again = await call("DELETE", `/projects/${t.project.id}/memberships`, orgKey, { userId: user.id });
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ error: "Project membership not found" });
      const organization = await call("GET", "/organizations/memberships", orgKey);
      expect(organization.json().memberships).toContainEqual(expect.objectContaining({ userId: user.id, role: "MEMBER" }));
    });

    it("answers 400 naming the field for a bad body", async () => {
      const put = await call("PUT", `/projects/${t.project.id}/memberships`, orgKey, { userId: "u", role: "owner" });
      expect(put.statusCode).toBe(400);
      expect(put.json()).toMatchObject({ error: "Invalid request body", details: [expect.objectContaining({ path: ["role"] })] });
      const del = await call("DELETE", `/projects/${t.project.id}/memberships`, orgKey, { user: "u" });
      expect(del.statusCode).toBe(400);
      expect(del.json()).toMatchObject({ error: "Invalid request body", details: [expect.objectContaining({ path: ["userId"] })] });
    });

    it.each<[Method, unknown?]>([["GET"], ["PUT", { userId: "u", role: "ADMIN" }], ["DELETE", { userId: "u" }]])(
      "answers %s on another organization's, a missing or a deleted project with 404 {error}",
      async (method, body) => {
        const member = await orgMember("OWNER", other.orgKey);
        await call("PUT", `/projects/${other.id}/memberships`, other.orgKey, { userId: member.id, role: "ADMIN" });
        const created = await call("PUT", "/organizations/memberships", orgKey, { userId: member.id, role: "MEMBER" });
        expect(created.statusCode).toBe(200);
        const deletedProject = (await callPublic(t, "POST", "/projects", { authorization: orgKey, body: { name: `gone ${emails}` } })).json().id as string;
        await callPublic(t, "DELETE", `/projects/${deletedProject}`, { authorization: orgKey });
        const payload = body && { ...(body as object), userId: member.id };
        for (const projectId of [other.id, "no-such-project", deletedProject]) {
          const response = await call(method, `/projects/${projectId}/memberships`, orgKey, payload);
          expect(response.statusCode).toBe(404);
          expect(response.json()).toEqual({ error: PROJECT_NOT_FOUND });
        }
        const untouched = await call("GET", `/projects/${other.id}/memberships`, other.orgKey);
        expect(untouched.json().memberships).toEqual([{ userId: member.id, role: "ADMIN", email: member.email, name: "Ann Example" }]);
        await call("DELETE", `/projects/${other.id}/memberships`, other.orgKey, { userId: member.id });
      },
    );
  });
});
