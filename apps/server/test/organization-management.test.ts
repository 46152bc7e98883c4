import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { ISO_DATE, jsonParseMessage } from "./support/expectations.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const ORG_KEY_REQUIRED = "Invalid API key. Organization-scoped API key required for this operation.";
const INVALID_CREDENTIALS = "Invalid credentials. Confirm that you've configured the correct host.";
const INVALID_NAME = "Invalid project name. Should be between 3 and 60 characters.";
const INVALID_METADATA = "Invalid metadata. Should be a valid JSON object.";
const INVALID_RETENTION = "Invalid retention value. Must be 0 or at least 3 days.";
const PROJECT_NOT_FOUND = "Project not found or you don't have access to it";

type Method = "GET" | "POST" | "PUT" | "DELETE";

describe.each(postgresModes())("organization-key management API (%s Postgres)", (mode) => {
  let t: TestApp;
  /** The organization key of `t.project`'s organization. */
  let orgKey: string;
  /** Another organization, with a project, a project key and an organization key of its own. */
  let other: TestProject & { orgKey: string };
  let names = 0;
  const uniqueName = () => `project ${++names}`;

  const organizationKey = async (organizationId: string) => {
    const key = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId });
    return basicAuthHeader(key.publicKey, key.secretKey);
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    orgKey = await organizationKey(t.project.orgId);
    const otherProject = await t.createProject();
    other = { ...otherProject, orgKey: await organizationKey(otherProject.orgId) };
  });
  afterAll(async () => t?.close());

  const call = (method: Method, url: string, authorization: string | null, payload?: unknown) =>
    t.app.inject({ method, url: `/api/public${url}`, headers: authorization === null ? {} : { authorization }, ...(payload === undefined ? {} : { payload: payload as object }) });

  const createProject = async (body: Record<string, unknown> = {}, key = orgKey) => {
    const response = await call("POST", "/projects", key, { name: uniqueName(), ...body });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; name: string; metadata: unknown; retentionDays?: number };
  };

  const createProjectKey = async (projectId: string, body: Record<string, unknown> = {}) => {
    const response = await call("POST", `/projects/${projectId}/apiKeys`, orgKey, body);
    expect(response.statusCode).toBe(201);
    const key = response.json() as { id: string; publicKey: string; secretKey: string };
    return { ...key, basic: basicAuthHeader(key.publicKey, key.secretKey) };
  };

  const ownProject = (basic: string) => call("GET", "/projects", basic);

  describe("authentication", () => {
    const routes: Array<[Method, string, unknown?]> = [
      ["POST", "/projects", { name: "any name" }],
      ["PUT", "/projects/some-project", { name: "any name" }],
      ["DELETE", "/projects/some-project"],
      ["GET", "/projects/some-project/apiKeys"],
      ["POST", "/projects/some-project/apiKeys", {}],
      ["DELETE", "/projects/some-project/apiKeys/some-key"],
    ];

    it.each(routes)("answers %s %s with {message} bodies: 401 without or with wrong credentials, 403 for a project key", async (method, url, body) => {
      const missing = await call(method, url, null, body);
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toEqual({ message: "No authorization header" });
      const wrong = await call(method, url, basicAuthHeader("pk-lf-unknown", "sk-lf-unknown"), body);
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ message: INVALID_CREDENTIALS });
      const projectKey = await call(method, url, t.project.basic, body);
      expect(projectKey.statusCode).toBe(403);
      expect(projectKey.json()).toEqual({ message: ORG_KEY_REQUIRED });
    });

    it.each(["/organizations/projects", "/organizations/apiKeys"])("answers GET %s with {error} bodies", async (url) => {
      const missing = await call("GET", url, null);
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toEqual({ error: "No authorization header" });
      const wrong = await call("GET", url, basicAuthHeader("pk-lf-unknown", "sk-lf-unknown"));
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ error: INVALID_CREDENTIALS });
      const projectKey = await call("GET", url, t.project.basic);
      expect(projectKey.statusCode).toBe(403);
      expect(projectKey.json()).toEqual({ error: ORG_KEY_REQUIRED });
    });

    it("refuses an organization's public key as a bearer token", async () => {
      const publicKey = Buffer.from(orgKey.slice("Basic ".length), "base64").toString().split(":")[0];
      const response = await call("GET", "/organizations/projects", `Bearer ${publicKey}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: "Unauthorized: Cannot use organization key with bearer auth. Confirm that you've configured the correct host." });
    });

    it("keeps organization keys off project routes: GET /api/public/projects answers 403", async () => {
      const response = await ownProject(orgKey);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ message: "Invalid API key. Are you using an organization key?" });
    });
  });

  describe("POST /api/public/projects", () => {
    it("creates a project: 201 with its settings, no organization", async () => {
      const response = await call("POST", "/projects", orgKey, { name: "Created Project", metadata: { team: "ml" }, retention: 30 });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ id: expect.any(String), name: "Created Project", metadata: { team: "ml" }, retentionDays: 30 });
      const row = await t.services.repositories.projects.findById(response.json().id);
      expect(row).toMatchObject({ orgId: t.project.orgId, retentionDays: 30, deletedAt: null });
    });

    it.each([
      ["no metadata or retention", {}, { metadata: {} }],
      ["metadata as a JSON string", { metadata: '{"a":1}' }, { metadata: { a: 1 } }],
      ["retention 0", { retention: 0 }, { metadata: {} }],
      ["retention null", { retention: null }, { metadata: {} }],
      ["retention as a numeric string", { retention: "7" }, { metadata: {}, retentionDays: 7 }],
    ])("accepts %s", async (_case, body, expected) => {
      const name = uniqueName();
      const response = await call("POST", "/projects", orgKey, { name, ...body });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ id: expect.any(String), name, ...expected });
    });

    it.each([
      ["no body", undefined, INVALID_NAME],
      ["a missing name", {}, INVALID_NAME],
      ["a name that is not a string", { name: 12345 }, INVALID_NAME],
      ["a short name", { name: "ab" }, INVALID_NAME],
      ["a long name", { name: "x".repeat(61) }, INVALID_NAME],
      ["a name with an HTML tag", { name: "hi <script>" }, INVALID_NAME],
      ["a bad name before bad metadata and retention", { name: "ab", metadata: "{", retention: 1 }, INVALID_NAME],
      ["metadata that is not JSON", { name: "fine name", metadata: "{oops" }, `Invalid metadata. Should be a valid JSON object: ${jsonParseMessage("{oops")}`],
      ["metadata that is a JSON array string", { name: "fine name", metadata: "[1]" }, INVALID_METADATA],
      ["null metadata", { name: "fine name", metadata: null }, INVALID_METADATA],
      ["metadata that is an array", { name: "fine name", metadata: [1] }, INVALID_METADATA],
      ["metadata that is a number", { name: "fine name", metadata: 3 }, INVALID_METADATA],
      ["bad metadata before bad retention", { name: "fine name", metadata: true, retention: 1 }, INVALID_METADATA],
      ["retention of 2 days", { name: "fine name", retention: 2 }, INVALID_RETENTION],
      ["a negative retention", { name: "fine name", retention: -5 }, INVALID_RETENTION],
      ["a fractional retention", { name: "fine name", retention: 3.5 }, INVALID_RETENTION],
      ["a retention that is not a number", { name: "fine name", retention: "week" }, INVALID_RETENTION],
    ])("refuses %s with 400 and the reference's message", async (_case, body, message) => {
      const response = await call("POST", "/projects", orgKey, body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message });
    });

    it("refuses a second live project of the same name with 409, but not across organizations or after deletion", async () => {
      const first = await createProject({ name: "Shared Name" });
      const duplicate = await call("POST", "/projects", orgKey, { name: "Shared Name" });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json()).toEqual({ message: "A project with this name already exists in your organization" });

      expect((await call("POST", "/projects", other.orgKey, { name: "Shared Name" })).statusCode).toBe(201);
      expect((await call("DELETE", `/projects/${first.id}`, orgKey)).statusCode).toBe(202);
      expect((await call("POST", "/projects", orgKey, { name: "Shared Name" })).statusCode).toBe(201);
    });
  });

  describe("PUT /api/public/projects/{projectId}", () => {
    it("renames and replaces what is given, keeping omitted metadata and retention", async () => {
      const project = await createProject({ metadata: { v: 1 }, retention: 14 });
      const renamed = await call("PUT", `/projects/${project.id}`, orgKey, { name: "Renamed Project" });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toEqual({ id: project.id, name: "Renamed Project", metadata: { v: 1 }, retentionDays: 14 });

      const replaced = await call("PUT", `/projects/${project.id}`, orgKey, { name: "Renamed Project", metadata: '{"v":2}', retention: 0 });
      expect(replaced.statusCode).toBe(200);
      expect(replaced.json()).toEqual({ id: project.id, name: "Renamed Project", metadata: { v: 2 } });
    });

    it("does not check the new name for duplicates, as the reference does not", async () => {
      const taken = await createProject();
      const project = await createProject();
      const response = await call("PUT", `/projects/${project.id}`, orgKey, { name: taken.name });
      expect(response.statusCode).toBe(200);
    });

    it.each([
      ["a missing name", { metadata: {} }, INVALID_NAME],
      ["bad metadata", { name: "fine name", metadata: [] }, INVALID_METADATA],
      ["a bad retention", { name: "fine name", retention: 1 }, INVALID_RETENTION],
    ])("refuses %s with 400", async (_case, body, message) => {
      const response = await call("PUT", `/projects/${t.project.id}`, orgKey, body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message });
    });
  });

  describe("DELETE /api/public/projects/{projectId}", () => {
    it("answers 202, and the project's keys fail at once even though they were cached", async () => {
      const project = await createProject();
      const key = await createProjectKey(project.id);
      expect((await ownProject(key.basic)).statusCode).toBe(200);

      const response = await call("DELETE", `/projects/${project.id}`, orgKey);
      expect(response.statusCode).toBe(202);
      expectReferenceResponse({ method: "DELETE", path: "/api/public/projects/{projectId}" }, 202, response.json());
      expect(response.json()).toEqual({ success: true, message: "Project deletion has been initiated and is being processed asynchronously" });

      const refused = await ownProject(key.basic);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ message: INVALID_CREDENTIALS });
      expect((await t.services.repositories.projects.findById(project.id))?.deletedAt).toBeInstanceOf(Date);
      const listed = (await call("GET", "/organizations/projects", orgKey)).json().projects.map((p: { id: string }) => p.id);
      expect(listed).not.toContain(project.id);
    });

    it("treats a deleted project as missing on update and delete", async () => {
      const project = await createProject();
      await call("DELETE", `/projects/${project.id}`, orgKey);
      for (const [method, body] of [
        ["PUT", { name: "revived" }],
        ["DELETE", undefined],
      ] as const) {
        const response = await call(method, `/projects/${project.id}`, orgKey, body);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ message: PROJECT_NOT_FOUND });
      }
    });
  });

  describe("project API keys", () => {
    it("lists the project's keys", async () => {
      const response = await call("GET", `/projects/${t.project.id}/apiKeys`, orgKey);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expectReferenceResponse({ method: "GET", path: "/api/public/projects/{projectId}/apiKeys" }, 200, body);
      const record = await t.services.repositories.apiKeys.findByPublicKey(t.project.publicKey);
      expect(body).toEqual({
        apiKeys: [
          {
            id: record!.id,
            createdAt: ISO_DATE,
            expiresAt: null,
            lastUsedAt: null,
            note: null,
            publicKey: t.project.publicKey,
            displaySecretKey: `sk-lf-...${t.project.secretKey.slice(-4)}`,
          },
        ],
      });
    });

    it("creates a key: 201 with the secret, and the key works on the project", async () => {
      const project = await createProject();
      const response = await call("POST", `/projects/${project.id}/apiKeys`, orgKey, { note: "deploy" });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      // The reference documents 200 for what its server answers with 201; the body is its ApiKeyResponse.
      expectReferenceResponse({ method: "POST", path: "/api/public/projects/{projectId}/apiKeys" }, 200, body);
      expect(body).toEqual({
        id: expect.any(String),
        createdAt: ISO_DATE,
        note: "deploy",
        publicKey: expect.stringMatching(/^pk-lf-/),
        secretKey: expect.stringMatching(/^sk-lf-/),
        displaySecretKey: `sk-lf-...${body.secretKey.slice(-4)}`,
      });
      const own = await ownProject(basicAuthHeader(body.publicKey, body.secretKey));
      expect(own.json().data.map((p: { id: string }) => p.id)).toEqual([project.id]);
      const listed = (await call("GET", `/projects/${project.id}/apiKeys`, orgKey)).json().apiKeys;
      expect(listed).toEqual([expect.objectContaining({ id: body.id, note: "deploy", publicKey: body.publicKey })]);
    });

    it("creates a predefined key pair", async () => {
      const project = await createProject();
      const pair = { publicKey: `pk-lf-predefined-${project.id}`, secretKey: `sk-lf-predefined-${project.id}` };
      const key = await createProjectKey(project.id, pair);
      expect(key).toMatchObject(pair);
      expect((await ownProject(key.basic)).json().data[0].id).toBe(project.id);
    });

    it("refuses a predefined public key or secret that is already in use with 409", async () => {
      const project = await createProject();
      const taken = await createProjectKey(project.id);
      for (const pair of [
        { publicKey: taken.publicKey, secretKey: "sk-lf-fresh-secret" },
        { publicKey: "pk-lf-fresh-public", secretKey: taken.secretKey },
      ]) {
        const response = await call("POST", `/projects/${project.id}/apiKeys`, orgKey, pair);
        expect(response.statusCode).toBe(409);
        expect(response.json()).toEqual({ message: "API key with the provided publicKey or secretKey already exists" });
      }
    });

    it.each([
      ["a public key alone", { publicKey: "pk-lf-alone" }, "Both publicKey and secretKey must be provided together when specifying predefined keys"],
      ["a secret key alone", { secretKey: "sk-lf-alone" }, "Both publicKey and secretKey must be provided together when specifying predefined keys"],
      ["a public key without its prefix", { publicKey: "pk-xx-1", secretKey: "sk-xx-1" }, "publicKey must start with 'pk-lf-'"],
      ["a secret key without its prefix", { publicKey: "pk-lf-1", secretKey: "sk-xx-1" }, "secretKey must start with 'sk-lf-'"],
    ])("refuses %s with 400", async (_case, body, message) => {
      const response = await call("POST", `/projects/${t.project.id}/apiKeys`, orgKey, body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message });
    });

    it.each([
      ["a null note", { note: null }, { _errors: [], note: { _errors: ["Invalid input: expected string, received null"] } }],
      ["a public key that is not a string", { publicKey: 1, secretKey: "sk-lf-1" }, { _errors: [], publicKey: { _errors: ["Invalid input: expected string, received number"] } }],
    ])("refuses %s with 400 and the issue tree", async (_case, body, details) => {
      const response = await call("POST", `/projects/${t.project.id}/apiKeys`, orgKey, body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: "Invalid request body", details });
    });

    it("deletes a key, which then fails at once even though it was cached", async () => {
      const project = await createProject();
      const key = await createProjectKey(project.id);
      expect((await ownProject(key.basic)).statusCode).toBe(200);

      const response = await call("DELETE", `/projects/${project.id}/apiKeys/${key.id}`, orgKey);
      expect(response.statusCode).toBe(200);
      expectReferenceResponse({ method: "DELETE", path: "/api/public/projects/{projectId}/apiKeys/{apiKeyId}" }, 200, response.json());
      expect(response.json()).toEqual({ success: true });

      const refused = await ownProject(key.basic);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ message: INVALID_CREDENTIALS });
      const again = await call("DELETE", `/projects/${project.id}/apiKeys/${key.id}`, orgKey);
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ message: "API key not found" });
    });

    it("deletes only keys of the project named in the path", async () => {
      const project = await createProject();
      const sibling = await createProject();
      const key = await createProjectKey(sibling.id);
      const orgKeyId = (await t.app.inject({ method: "GET", url: "/api/public/organizations/apiKeys", headers: { authorization: orgKey } })).json().apiKeys[0].id;
      for (const apiKeyId of [key.id, orgKeyId, "no-such-key"]) {
        const response = await call("DELETE", `/projects/${project.id}/apiKeys/${apiKeyId}`, orgKey);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ message: "API key not found" });
      }
      expect((await ownProject(key.basic)).statusCode).toBe(200);
    });

    it("still reaches the keys of a deleted project, as the reference does", async () => {
      const project = await createProject();
      await call("DELETE", `/projects/${project.id}`, orgKey);
      const response = await call("GET", `/projects/${project.id}/apiKeys`, orgKey);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ apiKeys: [] });
    });
  });

  describe("isolation between organizations", () => {
    it.each<[Method, (projectId: string) => string, unknown?]>([
      ["PUT", (id) => `/projects/${id}`, { name: "hijacked" }],
      ["DELETE", (id) => `/projects/${id}`],
      ["GET", (id) => `/projects/${id}/apiKeys`],
      ["POST", (id) => `/projects/${id}/apiKeys`, {}],
      ["DELETE", (id) => `/projects/${id}/apiKeys/some-key`],
    ])("answers %s on another organization's project as on a missing one: 404", async (method, url, body) => {
      for (const projectId of [other.id, "no-such-project"]) {
        const response = await call(method, url(projectId), orgKey, body);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ message: PROJECT_NOT_FOUND });
      }
      const untouched = await ownProject(other.basic);
      expect(untouched.json().data).toEqual([expect.objectContaining({ id: other.id, name: "test-project" })]);
    });

    it("does not delete another organization's project key through one's own project", async () => {
      const otherKeyId = (await t.services.repositories.apiKeys.findByPublicKey(other.publicKey))!.id;
      const response = await call("DELETE", `/projects/${t.project.id}/apiKeys/${otherKeyId}`, orgKey);
      expect(response.statusCode).toBe(404);
      expect((await ownProject(other.basic)).statusCode).toBe(200);
    });

    it("lists only the key's own organization's live projects", async () => {
      const project = await createProject({ metadata: { listed: true } });
      const response = await call("GET", "/organizations/projects", orgKey);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expectReferenceResponse({ method: "GET", path: "/api/public/organizations/projects" }, 200, body);
      const ids = body.projects.map((p: { id: string }) => p.id);
      expect(ids).toContain(t.project.id);
      expect(ids).not.toContain(other.id);
      expect(body.projects.find((p: { id: string }) => p.id === project.id)).toEqual({
        id: project.id,
        name: project.name,
        metadata: { listed: true },
        createdAt: ISO_DATE,
        updatedAt: ISO_DATE,
      });
      const theirs = (await call("GET", "/organizations/projects", other.orgKey)).json().projects.map((p: { id: string }) => p.id);
      expect(theirs).toContain(other.id);
      expect(theirs).not.toContain(t.project.id);
    });

    it("lists only the key's own organization's organization keys", async () => {
      const response = await call("GET", "/organizations/apiKeys", orgKey);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expectReferenceResponse({ method: "GET", path: "/api/public/organizations/apiKeys" }, 200, body);
      const ownPublicKey = Buffer.from(orgKey.slice("Basic ".length), "base64").toString().split(":")[0];
      expect(body).toEqual({
        apiKeys: [
          {
            id: expect.any(String),
            createdAt: ISO_DATE,
            expiresAt: null,
            lastUsedAt: null,
            note: null,
            publicKey: ownPublicKey,
            displaySecretKey: expect.stringMatching(/^sk-lf-\.\.\./),
          },
        ],
      });
    });
  });
});
