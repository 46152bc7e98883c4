import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuthHeader, createTestApp, postgresModes, type TestApp } from "./support/harness.ts";
import { ISO_DATE, jsonParseMessage } from "./support/expectations.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const ADMIN_API_KEY = "admin-key-for-tests";

describe.each(postgresModes())("admin API (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode, { adminApiKey: ADMIN_API_KEY });
  });
  afterAll(async () => t?.close());

  const admin = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown, authorization: string | null = `Bearer ${ADMIN_API_KEY}`) =>
    t.app.inject({ method, url: `/api/admin${url}`, headers: authorization === null ? {} : { authorization }, ...(payload === undefined ? {} : { payload: payload as object }) });

  const createOrganization = async (body: Record<string, unknown> = { name: "Acme Corp" }) => {
    const response = await admin("POST", "/organizations", body);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; name: string; metadata: unknown };
  };

  const createOrganizationKey = async (organizationId: string, body: Record<string, unknown> = {}) => {
    const response = await admin("POST", `/organizations/${organizationId}/apiKeys`, body);
    expect(response.statusCode).toBe(201);
    const key = response.json() as { id: string; publicKey: string; secretKey: string };
    return { ...key, basic: basicAuthHeader(key.publicKey, key.secretKey) };
  };

  const listOrganizationProjects = (basic: string) => t.app.inject({ method: "GET", url: "/api/public/organizations/projects", headers: { authorization: basic } });

  describe("authentication", () => {
    it("answers 401 without an Authorization header", async () => {
      const response = await admin("GET", "/organizations", undefined, null);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: "Unauthorized: No authorization header provided" });
    });

    it.each([
      ["a wrong token", "Bearer not-the-admin-key"],
      ["the right token under Basic", `Basic ${ADMIN_API_KEY}`],
      ["a lowercase scheme", `bearer ${ADMIN_API_KEY}`],
    ])("answers 401 for %s", async (_case, authorization) => {
      const response = await admin("GET", "/organizations", undefined, authorization);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: "Unauthorized: Invalid token" });
    });

    it("refuses a project key pair with 401", async () => {
      const response = await admin("GET", "/organizations", undefined, t.project.basic);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: "Unauthorized: Invalid token" });
    });

    it("stays closed with 403 when ADMIN_API_KEY is not set", async () => {
      const closed = await createTestApp(mode, { stores: t.stores });
      try {
        const response = await closed.app.inject({ method: "GET", url: "/api/admin/organizations", headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({ error: "ADMIN_API_KEY is not set" });
      } finally {
        await closed.close();
      }
    });
  });

  describe("organizations", () => {
    it("creates an organization: 201 with the reference's Organization", async () => {
      const response = await admin("POST", "/organizations", { name: "Created Org", metadata: { tier: "gold" } });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      // The reference documents 200 for what its server answers with 201; the body is its Organization.
      expectReferenceResponse({ spec: "admin", method: "POST", path: "/api/admin/organizations" }, 200, body);
      expect(body).toEqual({ id: expect.any(String), name: "Created Org", createdAt: ISO_DATE, metadata: { tier: "gold" }, projects: [] });
    });

    it("parses metadata sent as a JSON string and shows missing metadata as {}", async () => {
      expect((await createOrganization({ name: "String Meta", metadata: '{"region":"eu"}' })).metadata).toEqual({ region: "eu" });
      expect((await createOrganization({ name: "No Meta" })).metadata).toEqual({});
      expect((await createOrganization({ name: "Null Meta", metadata: null })).metadata).toEqual({});
    });

    it("lists organizations with their live projects only", async () => {
      const org = await createOrganization({ name: "Listed Org" });
      const { projects } = t.services.repositories;
      await projects.ensure({ id: `live-${org.id}`, orgId: org.id, name: "live project" });
      await projects.ensure({ id: `gone-${org.id}`, orgId: org.id, name: "deleted project" });
      await projects.softDelete(`gone-${org.id}`);

      const response = await admin("GET", "/organizations");
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expectReferenceResponse({ spec: "admin", method: "GET", path: "/api/admin/organizations" }, 200, body);
      const listed = body.organizations.find((o: { id: string }) => o.id === org.id);
      expect(listed).toEqual({
        id: org.id,
        name: "Listed Org",
        createdAt: ISO_DATE,
        metadata: {},
        projects: [{ id: `live-${org.id}`, name: "live project", metadata: null, createdAt: ISO_DATE, updatedAt: ISO_DATE }],
      });
      expect(body.organizations.map((o: { id: string }) => o.id)).toContain(t.project.orgId);
    });

    it("gets one organization by id", async () => {
      const org = await createOrganization({ name: "Fetched Org" });
      const response = await admin("GET", `/organizations/${org.id}`);
      expect(response.statusCode).toBe(200);
      expectReferenceResponse({ spec: "admin", method: "GET", path: "/api/admin/organizations/{organizationId}" }, 200, response.json());
      expect(response.json()).toEqual({ id: org.id, name: "Fetched Org", createdAt: ISO_DATE, metadata: {}, projects: [] });
    });

    it.each([
      ["GET", undefined],
      ["PUT", { name: "Renamed" }],
      ["DELETE", undefined],
    ] as const)("answers %s of a missing organization with 404", async (method, body) => {
      const response = await admin(method, "/organizations/no-such-org", body);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "Organization not found" });
    });

    it("renames an organization, keeping its metadata unless new metadata is given", async () => {
      const org = await createOrganization({ name: "Old Name", metadata: { keep: true } });
      const renamed = await admin("PUT", `/organizations/${org.id}`, { name: "New Name" });
      expect(renamed.statusCode).toBe(200);
      expectReferenceResponse({ spec: "admin", method: "PUT", path: "/api/admin/organizations/{organizationId}" }, 200, renamed.json());
      expect(renamed.json()).toMatchObject({ id: org.id, name: "New Name", metadata: { keep: true } });

      const replaced = await admin("PUT", `/organizations/${org.id}`, { name: "New Name", metadata: { fresh: 1 } });
      expect(replaced.json().metadata).toEqual({ fresh: 1 });
      expect((await admin("GET", `/organizations/${org.id}`)).json()).toMatchObject({ name: "New Name", metadata: { fresh: 1 } });
    });

    it.each([
      ["a missing name", {}, { _errors: [], name: { _errors: ["Invalid input: expected string, received undefined"] } }],
      ["a name that is not a string", { name: 42 }, { _errors: [], name: { _errors: ["Invalid input: expected string, received number"] } }],
      ["a short name", { name: "ab" }, { _errors: [], name: { _errors: ["Must be at least 3 characters"] } }],
      ["a long name", { name: "x".repeat(61) }, { _errors: [], name: { _errors: ["Must be at most 60 characters"] } }],
      ["a name with an HTML tag", { name: "<b>bold</b>" }, { _errors: [], name: { _errors: ["Must not contain HTML tags"] } }],
      ["a bad name and bad metadata", { name: "ab", metadata: "{" }, { _errors: [], name: { _errors: ["Must be at least 3 characters"] } }],
    ])("refuses %s with 400 and the issue tree", async (_case, body, details) => {
      for (const [method, url] of [
        ["POST", "/organizations"],
        ["PUT", `/organizations/${t.project.orgId}`],
      ] as const) {
        const response = await admin(method, url, body);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ error: "Invalid request body", details });
      }
    });

    it.each([
      ["a string that is not JSON", "{not json", `Invalid metadata. Should be a valid JSON object: ${jsonParseMessage("{not json")}`],
      ["a JSON string that is not an object", "[1,2]", "Invalid metadata. Should be a valid JSON object."],
      ["an array", [1, 2], "Invalid metadata. Should be a valid JSON object."],
      ["a number", 7, "Invalid metadata. Should be a valid JSON object."],
    ])("refuses metadata that is %s with 400 and a message", async (_case, metadata, message) => {
      const response = await admin("POST", "/organizations", { name: "Valid Name", metadata });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message });
    });

    it("refuses to delete an organization with live projects", async () => {
      const org = await createOrganization({ name: "Busy Org" });
      await t.services.repositories.projects.ensure({ id: `busy-${org.id}`, orgId: org.id, name: "busy project" });
      const response = await admin("DELETE", `/organizations/${org.id}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: "Cannot delete organization with existing projects",
        message: "Please delete or transfer all projects before deleting the organization.",
      });
    });

    it("refuses to delete an organization whose deleted projects are still being removed", async () => {
      const org = await createOrganization({ name: "Draining Org" });
      await t.services.repositories.projects.ensure({ id: `draining-${org.id}`, orgId: org.id, name: "draining project" });
      await t.services.repositories.projects.softDelete(`draining-${org.id}`);
      const response = await admin("DELETE", `/organizations/${org.id}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: "Cannot delete organization with existing projects",
        message: "Deletion of your projects is still being processed, please try deleting the organization later",
      });
    });

    it("deletes an empty organization, and its keys stop working at once even though cached", async () => {
      const org = await createOrganization({ name: "Doomed Org" });
      const key = await createOrganizationKey(org.id);
      expect((await listOrganizationProjects(key.basic)).statusCode).toBe(200);

      const response = await admin("DELETE", `/organizations/${org.id}`);
      expect(response.statusCode).toBe(200);
      expectReferenceResponse({ spec: "admin", method: "DELETE", path: "/api/admin/organizations/{organizationId}" }, 200, response.json());
      expect(response.json()).toEqual({ success: true });
      expect((await admin("GET", `/organizations/${org.id}`)).statusCode).toBe(404);
      const refused = await listOrganizationProjects(key.basic);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ error: "Invalid credentials. Confirm that you've configured the correct host." });
    });
  });

  describe("organization API keys", () => {
    it("creates a key: 201 with the secret, once", async () => {
      const org = await createOrganization({ name: "Keyed Org" });
      const response = await admin("POST", `/organizations/${org.id}/apiKeys`, { note: "ci" });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      // Documented as 200 by the reference, answered with 201 by its server.
      expectReferenceResponse({ spec: "admin", method: "POST", path: "/api/admin/organizations/{organizationId}/apiKeys" }, 200, body);
      expect(body).toEqual({
        id: expect.any(String),
        createdAt: ISO_DATE,
        note: "ci",
        publicKey: expect.stringMatching(/^pk-lf-/),
        secretKey: expect.stringMatching(/^sk-lf-/),
        displaySecretKey: `sk-lf-...${body.secretKey.slice(-4)}`,
      });
    });

    it("lists the organization's keys oldest first, without secrets or project keys", async () => {
      const org = await createOrganization({ name: "Listing Org" });
      const first = await createOrganizationKey(org.id, { note: "first" });
      const second = await createOrganizationKey(org.id);
      await t.services.repositories.projects.ensure({ id: `keys-${org.id}`, orgId: org.id, name: "project with key" });

      const response = await admin("GET", `/organizations/${org.id}/apiKeys`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expectReferenceResponse({ spec: "admin", method: "GET", path: "/api/admin/organizations/{organizationId}/apiKeys" }, 200, body);
      expect(body.apiKeys).toEqual([
        {
          id: first.id,
          createdAt: ISO_DATE,
          expiresAt: null,
          lastUsedAt: null,
          note: "first",
          publicKey: first.publicKey,
          displaySecretKey: `sk-lf-...${first.secretKey.slice(-4)}`,
        },
        {
          id: second.id,
          createdAt: ISO_DATE,
          expiresAt: null,
          lastUsedAt: null,
          note: null,
          publicKey: second.publicKey,
          displaySecretKey: `sk-lf-...${second.secretKey.slice(-4)}`,
        },
      ]);
    });

    it.each([
      ["a null note", { note: null }, { _errors: [], note: { _errors: ["Invalid input: expected string, received null"] } }],
      ["no body", undefined, { _errors: ["Invalid input: expected object, received null"] }],
    ])("refuses %s with 400", async (_case, body, details) => {
      const response = await admin("POST", `/organizations/${t.project.orgId}/apiKeys`, body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: "Invalid request body", details });
    });

    it.each([
      ["GET", "/organizations/no-such-org/apiKeys"],
      ["POST", "/organizations/no-such-org/apiKeys"],
      ["DELETE", "/organizations/no-such-org/apiKeys/some-key"],
    ] as const)("answers %s for a missing organization with 404", async (method, url) => {
      const response = await admin(method, url, method === "POST" ? {} : undefined);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "Organization not found" });
    });

    it("deletes a key only through its own organization", async () => {
      const org = await createOrganization({ name: "Owner Org" });
      const other = await createOrganization({ name: "Other Org" });
      const key = await createOrganizationKey(org.id);
      const projectKeyId = (await t.services.repositories.apiKeys.findByPublicKey(t.project.publicKey))!.id;

      for (const [organizationId, apiKeyId] of [
        [other.id, key.id],
        [t.project.orgId, projectKeyId],
        [org.id, "no-such-key"],
      ]) {
        const response = await admin("DELETE", `/organizations/${organizationId}/apiKeys/${apiKeyId}`);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ error: "API key not found" });
      }
      expect((await listOrganizationProjects(key.basic)).statusCode).toBe(200);
      expect((await t.app.inject({ method: "GET", url: "/api/public/projects", headers: { authorization: t.project.basic } })).statusCode).toBe(200);
    });

    it("deletes a key, which then fails at once even though it was cached", async () => {
      const org = await createOrganization({ name: "Revoking Org" });
      const key = await createOrganizationKey(org.id);
      expect((await listOrganizationProjects(key.basic)).statusCode).toBe(200);

      const response = await admin("DELETE", `/organizations/${org.id}/apiKeys/${key.id}`);
      expect(response.statusCode).toBe(200);
      expectReferenceResponse({ spec: "admin", method: "DELETE", path: "/api/admin/organizations/{organizationId}/apiKeys/{apiKeyId}" }, 200, response.json());
      expect(response.json()).toEqual({ success: true });

      const refused = await listOrganizationProjects(key.basic);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ error: "Invalid credentials. Confirm that you've configured the correct host." });
      expect((await admin("GET", `/organizations/${org.id}/apiKeys`)).json()).toEqual({ apiKeys: [] });
    });
  });

  it("bootstraps an organization-managed setup end to end: org, org key, project, project key", async () => {
    const org = await createOrganization({ name: "Bootstrapped Org" });
    const orgKey = await createOrganizationKey(org.id, { note: "automation" });
    expect((await listOrganizationProjects(orgKey.basic)).json()).toEqual({ projects: [] });

    const created = await t.app.inject({ method: "POST", url: "/api/public/projects", headers: { authorization: orgKey.basic }, payload: { name: "bootstrapped" } });
    expect(created.statusCode).toBe(201);
    const projectId = created.json().id;
    const listed = await listOrganizationProjects(orgKey.basic);
    expect(listed.json().projects.map((p: { id: string }) => p.id)).toEqual([projectId]);

    const projectKey = await t.app.inject({ method: "POST", url: `/api/public/projects/${projectId}/apiKeys`, headers: { authorization: orgKey.basic }, payload: {} });
    expect(projectKey.statusCode).toBe(201);
    const { publicKey, secretKey } = projectKey.json();
    const project = await t.app.inject({ method: "GET", url: "/api/public/projects", headers: { authorization: basicAuthHeader(publicKey, secretKey) } });
    expect(project.json()).toEqual({ data: [{ id: projectId, name: "bootstrapped", organization: { id: org.id, name: "Bootstrapped Org" }, metadata: {} }] });
    expect((await admin("GET", `/organizations/${org.id}`)).json().projects.map((p: { id: string }) => p.id)).toEqual([projectId]);
  });
});
