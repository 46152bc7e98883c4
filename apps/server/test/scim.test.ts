import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, createTestApp, postgresModes, type TestApp } from "./support/harness.ts";
import { ISO_DATE } from "./support/expectations.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const LAST_OWNER = "Cannot remove the last owner of an organization. Assign new owner or delete organization.";
const UNSUPPORTED_PATCH = "Unsupported operation or invalid value in request body. Only 'replace' with 'active' field is supported.";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const scimError = (status: number, detail: string) => ({ schemas: [ERROR_SCHEMA], detail, status });

describe.each(postgresModes())("SCIM 2.0 (%s Postgres)", (mode) => {
  let t: TestApp;
  let orgKey: string;
  let otherOrgKey: string;
  let emails = 0;
  const uniqueEmail = () => `Person${++emails}@Example.COM`;

  const organizationKey = async (organizationId: string) => {
    const key = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId });
    return basicAuthHeader(key.publicKey, key.secretKey);
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    orgKey = await organizationKey(t.project.orgId);
    otherOrgKey = await organizationKey((await t.createProject()).orgId);
  });
  afterAll(async () => t?.close());

  const call = (method: Method, url: string, authorization: string | null, body?: unknown, contentType = "application/json") =>
    t.app.inject({
      method,
      url: `/api/public/scim${url}`,
      headers: { ...(authorization === null ? {} : { authorization }), ...(body === undefined ? {} : { "content-type": contentType }) },
      ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  const reference = (method: Method, path: string) => ({ method, path: `/api/public/scim${path}` });

  const expectScimError = (response: Awaited<ReturnType<typeof call>>, status: number, detail: string) => {
    expect(response.statusCode).toBe(status);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.json()).toEqual(scimError(status, detail));
  };

  const createUser = async (body: Record<string, unknown> = {}, key = orgKey) => {
    const response = await call("POST", "/Users", key, { schemas: [USER_SCHEMA], userName: uniqueEmail(), name: { formatted: "Pat Doe" }, ...body });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; userName: string };
  };
  const orgRole = async (userId: string, key = orgKey) => {
    const list = await t.app.inject({ method: "GET", url: "/api/public/organizations/memberships", headers: { authorization: key } });
    return (list.json().memberships as Array<{ userId: string; role: string }>).find((membership) => membership.userId === userId)?.role;
  };

  describe("authentication", () => {
    const routes: Array<[Method, string]> = [
      ["GET", "/ServiceProviderConfig"],
      ["GET", "/ResourceTypes"],
      ["GET", "/Schemas"],
      ["GET", "/Users"],
      ["POST", "/Users"],
      ["GET", "/Users/some-user"],
      ["PUT", "/Users/some-user"],
      ["PATCH", "/Users/some-user"],
      ["DELETE", "/Users/some-user"],
    ];

    it.each(routes)("answers %s %s with SCIM errors: 401 without or with wrong credentials, 403 for a project key", async (method, url) => {
      expectScimError(await call(method, url, null), 401, "No authorization header");
      expectScimError(await call(method, url, basicAuthHeader("pk-lf-unknown", "sk-lf-unknown")), 401, "Invalid credentials. Confirm that you've configured the correct host.");
      expectScimError(await call(method, url, t.project.basic), 403, "Invalid API key. Organization-scoped API key required for this operation.");
    });
  });

  describe("discovery", () => {
    it("serves the service provider configuration", async () => {
      const response = await call("GET", "/ServiceProviderConfig", orgKey);
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      const body = response.json();
      expect(body).toMatchObject({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        patch: { supported: false },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: 100 },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
        authenticationSchemes: [expect.objectContaining({ name: "Basic Authentication", type: "httpbasic", primary: true })],
        meta: { resourceType: "ServiceProviderConfig", location: "/api/public/scim/ServiceProviderConfig" },
      });
      expectReferenceResponse(reference("GET", "/ServiceProviderConfig"), 200, body);
    });

    it("serves the resource types: one, User", async () => {
      const response = await call("GET", "/ResourceTypes", orgKey);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        schemas: [LIST_SCHEMA],
        totalResults: 1,
        Resources: [
          {
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            id: "User",
            name: "User",
            endpoint: "/api/public/scim/Users",
            description: "User Account",
            schema: USER_SCHEMA,
            schemaExtensions: [],
            meta: { resourceType: "ResourceType", location: "/api/public/scim/ResourceTypes/User" },
          },
        ],
      });
      expectReferenceResponse(reference("GET", "/ResourceTypes"), 200, response.json());
    });

    it("serves the User schema with its attributes", async () => {
      const response = await call("GET", "/Schemas", orgKey);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1 });
      expect(body.Resources[0]).toMatchObject({ id: USER_SCHEMA, meta: { location: `/api/public/scim/Schemas/${USER_SCHEMA}` } });
      expect(body.Resources[0].attributes.map((attribute: { name: string }) => attribute.name)).toEqual(["id", "userName", "name", "emails", "meta"]);
      expectReferenceResponse(reference("GET", "/Schemas"), 200, body);
    });
  });

  describe("POST /Users", () => {
    it("creates a user with a NONE membership: 201, lowercase userName, timestamps", async () => {
      const email = uniqueEmail();
      const response = await call("POST", "/Users", orgKey, { schemas: [USER_SCHEMA], userName: email, name: { formatted: "Pat Doe" }, password: "ignored" });
      expect(response.statusCode).toBe(201);
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      const user = response.json();
      expect(user).toEqual({
        schemas: [USER_SCHEMA],
        id: expect.any(String),
        userName: email.toLowerCase(),
        name: { formatted: "Pat Doe" },
        emails: [{ primary: true, value: email.toLowerCase(), type: "work" }],
        meta: { resourceType: "User", created: ISO_DATE, lastModified: ISO_DATE },
      });
      // The reference's document says 200 where its server answers 201; the body is the one it describes.
      expectReferenceResponse(reference("POST", "/Users"), 200, user);
      expect(await orgRole(user.id)).toBe("NONE");
    });

    it("reads an application/scim+json body, takes displayName and the first role", async () => {
      const body = JSON.stringify({ userName: uniqueEmail(), displayName: "Display Name", roles: ["ADMIN", "VIEWER"] });
      const response = await call("POST", "/Users", orgKey, body, "application/scim+json");
      expect(response.statusCode).toBe(201);
      expect(response.json().name).toEqual({ formatted: "Display Name" });
      expect(await orgRole(response.json().id)).toBe("ADMIN");
    });

    it("answers 400 for a body that is not JSON, without userName, or with roles that are not plain role names", async () => {
      expectScimError(await call("POST", "/Users", orgKey, "{not json", "application/scim+json"), 400, "Invalid JSON body");
      expectScimError(await call("POST", "/Users", orgKey, "{not json"), 400, "Invalid JSON body");
      expectScimError(await call("POST", "/Users", orgKey, { name: { formatted: "No Name" } }), 400, "userName is required");
      const roles = [{ value: "ADMIN" }];
      expectScimError(
        await call("POST", "/Users", orgKey, { userName: uniqueEmail(), roles }),
        400,
        `Invalid roles provided: ${JSON.stringify(roles)}, must be one of OWNER, ADMIN, MEMBER, VIEWER, NONE`,
      );
      expectScimError(
        await call("POST", "/Users", orgKey, { userName: uniqueEmail(), roles: ["admin"] }),
        400,
        'Invalid roles provided: ["admin"], must be one of OWNER, ADMIN, MEMBER, VIEWER, NONE',
      );
    });

    it("answers 409 for a userName already in the organization, and reuses a user of another organization unchanged", async () => {
      const email = uniqueEmail();
      const first = await createUser({ userName: email });
      expectScimError(await call("POST", "/Users", orgKey, { userName: email.toUpperCase() }), 409, "User with this userName already exists");
      const elsewhere = await call("POST", "/Users", otherOrgKey, { userName: email, name: { formatted: "Other Name" } });
      expect(elsewhere.statusCode).toBe(201);
      expect(elsewhere.json()).toMatchObject({ id: first.id, name: { formatted: "Pat Doe" } });
    });
  });

  describe("GET /Users", () => {
    it("lists the organization's users with startIndex and count, list items without timestamps", async () => {
      const { orgId } = await t.createProject();
      const key = await organizationKey(orgId);
      const created = [];
      for (const role of ["OWNER", "MEMBER", "NONE"]) created.push(await createUser({ roles: [role] }, key));
      const all = await call("GET", "/Users", key);
      expect(all.statusCode).toBe(200);
      const body = all.json();
      expect(body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 3, startIndex: 1, itemsPerPage: 3 });
      expect(body.Resources.map((user: { id: string }) => user.id).sort()).toEqual(created.map((user) => user.id).sort());
      expect(body.Resources[0].meta).toEqual({ resourceType: "User" });
      expectReferenceResponse(reference("GET", "/Users"), 200, body);

      const page = (await call("GET", "/Users?startIndex=2&count=1", key)).json();
      expect(page).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      const defaults = (await call("GET", "/Users?startIndex=0&count=abc", key)).json();
      expect(defaults).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 3 });
    });

    it('understands only userName eq "…" (case-insensitive), ignoring other filters', async () => {
      const user = await createUser();
      const filtered = (await call("GET", `/Users?filter=${encodeURIComponent(`USERNAME EQ "${user.userName.toUpperCase()}"`)}`, orgKey)).json();
      expect(filtered).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [expect.objectContaining({ id: user.id })] });
      const none = (await call("GET", `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`, orgKey)).json();
      expect(none).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
      const ignored = (await call("GET", `/Users?filter=${encodeURIComponent(`emails.value eq "${user.userName}"`)}`, orgKey)).json();
      expect(ignored.totalResults).toBeGreaterThan(1);
    });

    it("never lists another organization's users", async () => {
      const user = await createUser();
      const other = (await call("GET", `/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`, otherOrgKey)).json();
      expect(other.totalResults).toBe(0);
    });
  });

  describe("/Users/{id}", () => {
    it("gets a member: 200 full user; 404 User not found for an unknown id; 404 User not found in organization for another organization's user", async () => {
      const user = await createUser();
      const response = await call("GET", `/Users/${user.id}`, orgKey);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, userName: user.userName, meta: { created: ISO_DATE } });
      expectReferenceResponse(reference("GET", "/Users/{userId}"), 200, response.json());
      for (const method of ["GET", "PUT", "PATCH", "DELETE"] as const) {
        expectScimError(await call(method, "/Users/no-such-user", orgKey, method === "PUT" || method === "PATCH" ? {} : undefined), 404, "User not found");
      }
      expectScimError(await call("GET", `/Users/${user.id}`, otherOrgKey), 404, "User not found in organization");
    });

    it("deletes the membership: 204 without body, the user kept; deleting a non-member is a no-op", async () => {
      const user = await createUser({ roles: ["ADMIN"] });
      const deleted = await call("DELETE", `/Users/${user.id}`, orgKey);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe("");
      expect(await orgRole(user.id)).toBeUndefined();
      expect(await t.services.repositories.users.findById(user.id)).toBeDefined();
      expect((await call("DELETE", `/Users/${user.id}`, orgKey)).statusCode).toBe(204);
    });

    it("keeps organizations apart: another organization's key cannot remove or change a member", async () => {
      const user = await createUser({ roles: ["MEMBER"] });
      expect((await call("DELETE", `/Users/${user.id}`, otherOrgKey)).statusCode).toBe(204);
      expect(await orgRole(user.id)).toBe("MEMBER");
      expect((await call("PUT", `/Users/${user.id}`, otherOrgKey, { schemas: [USER_SCHEMA], active: false })).statusCode).toBe(200);
      expect(await orgRole(user.id)).toBe("MEMBER");
      expect(await orgRole(user.id, otherOrgKey)).toBeUndefined();
    });

    it("refuses to remove or demote the last owner with 403, and allows it once there is another owner", async () => {
      const { orgId } = await t.createProject();
      const key = await organizationKey(orgId);
      const owner = await createUser({ roles: ["OWNER"] }, key);
      expectScimError(await call("DELETE", `/Users/${owner.id}`, key), 403, LAST_OWNER);
      expectScimError(await call("PUT", `/Users/${owner.id}`, key, { schemas: [USER_SCHEMA], active: false }), 403, LAST_OWNER);
      expectScimError(await call("PUT", `/Users/${owner.id}`, key, { schemas: [USER_SCHEMA], active: true, roles: ["ADMIN"] }), 403, LAST_OWNER);
      expectScimError(await call("PATCH", `/Users/${owner.id}`, key, { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", value: { active: false } }] }), 403, LAST_OWNER);
      expect(await orgRole(owner.id, key)).toBe("OWNER");
      await createUser({ roles: ["OWNER"] }, key);
      expect((await call("DELETE", `/Users/${owner.id}`, key)).statusCode).toBe(204);
    });

    it("keeps an owner when the two owners are removed at once", async () => {
      const { orgId } = await t.createProject();
      const key = await organizationKey(orgId);
      const owners = [await createUser({ roles: ["OWNER"] }, key), await createUser({ roles: ["OWNER"] }, key)];
      const responses = await Promise.all(owners.map((owner) => call("DELETE", `/Users/${owner.id}`, key)));
      expect(responses.map((response) => response.statusCode).sort()).toEqual([204, 403]);
      const remaining = await Promise.all(owners.map((owner) => orgRole(owner.id, key)));
      expect(remaining.filter((role) => role === "OWNER")).toHaveLength(1);
    });

    it("PUT: requires the User schema; active true ensures the membership (first role applied, none → unchanged or NONE); active false removes it", async () => {
      const user = await createUser({ roles: ["VIEWER"] });
      expectScimError(
        await call("PUT", `/Users/${user.id}`, orgKey, { active: true }),
        400,
        "Invalid request body. Must include 'schemas' with 'urn:ietf:params:scim:schemas:core:2.0:User'.",
      );
      const unchanged = await call("PUT", `/Users/${user.id}`, orgKey, { schemas: [USER_SCHEMA], active: true, roles: [{ value: "OWNER" }] });
      expect(unchanged.statusCode).toBe(200);
      expect(unchanged.json()).toEqual({
        schemas: [USER_SCHEMA],
        id: user.id,
        userName: user.userName,
        meta: { resourceType: "User", created: ISO_DATE, lastModified: ISO_DATE },
      });
      expect(await orgRole(user.id)).toBe("VIEWER");
      await call("PUT", `/Users/${user.id}`, orgKey, { schemas: [USER_SCHEMA], active: true, roles: ["MEMBER"] });
      expect(await orgRole(user.id)).toBe("MEMBER");
      await call("PUT", `/Users/${user.id}`, orgKey, { schemas: [USER_SCHEMA], active: false });
      expect(await orgRole(user.id)).toBeUndefined();
      await call("PUT", `/Users/${user.id}`, orgKey, { schemas: [USER_SCHEMA] });
      expect(await orgRole(user.id)).toBeUndefined();
      await call("PUT", `/Users/${user.id}`, orgKey, JSON.stringify({ schemas: [USER_SCHEMA], active: true }), "application/scim+json");
      expect(await orgRole(user.id)).toBe("NONE");
    });

    it("PATCH: only replace with {active}; deactivation answers 404, activation the full user", async () => {
      const user = await createUser({ roles: ["MEMBER"] });
      const patch = (body: unknown) => call("PATCH", `/Users/${user.id}`, orgKey, body);
      expectScimError(await patch({ Operations: [] }), 400, "Invalid request body. Must include 'schemas' with 'urn:ietf:params:scim:api:messages:2.0:PatchOp'.");
      expectScimError(await patch({ schemas: [PATCH_SCHEMA] }), 400, "Invalid request body. Must include 'Operations' array with at least one operation.");
      for (const operation of [
        { op: "replace", path: "active", value: false },
        { op: "Replace", value: { active: false } },
        { op: "replace", value: { active: "false" } },
        { op: "add", value: { active: true } },
      ]) {
        expectScimError(await patch({ schemas: [PATCH_SCHEMA], Operations: [operation] }), 400, UNSUPPORTED_PATCH);
      }
      expect(await orgRole(user.id)).toBe("MEMBER");

      const kept = await patch({ schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", value: { active: true } }] });
      expect(kept.statusCode).toBe(200);
      expect(kept.json()).toMatchObject({ id: user.id, userName: user.userName });
      // PATCH is not in the reference's document; it answers what GET does.
      expectReferenceResponse(reference("GET", "/Users/{userId}"), 200, kept.json());
      expect(await orgRole(user.id)).toBe("MEMBER");

      expectScimError(await patch({ schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", value: { active: false } }] }), 404, "User not found in organization");
      expect(await orgRole(user.id)).toBeUndefined();
      const back = await patch({ schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", value: { active: true } }] });
      expect(back.statusCode).toBe(200);
      expect(await orgRole(user.id)).toBe("NONE");
    });
  });
});
