import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, callPublic, createTestApp, postgresModes, type PublicCallOptions, type TestApp, type TestProject } from "./support/harness.ts";
import { ISO_DATE } from "./support/expectations.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const LIST = { method: "GET", path: "/api/public/v2/prompts" };
// The reference documents 200 for a create; its server sends 201 with the same body.
const CREATE = { method: "POST", path: "/api/public/v2/prompts" };
const GET = { method: "GET", path: "/api/public/v2/prompts/{promptName}" };
const PATCH = { method: "PATCH", path: "/api/public/v2/prompts/{name}/versions/{version}" };

const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

type Method = "GET" | "POST" | "PATCH" | "DELETE";
type Body = Record<string, unknown>;

describe.each(postgresModes())("prompts API (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(async () => t?.close());

  /** A name no other test uses, so tests can share the app's project. */
  const fresh = (prefix = "prompt") => `${prefix}-${randomUUID().slice(0, 8)}`;
  const path = (name: string) => encodeURIComponent(name);

  const call = (method: Method, url: string, options: PublicCallOptions = {}) => callPublic(t, method, url, options);

  const create = async (body: Body, project?: TestProject) => {
    const response = await call("POST", "/v2/prompts", { body, project });
    expect(response.statusCode, response.body).toBe(201);
    expectReferenceResponse(CREATE, 200, response.json());
    return response.json();
  };
  const get = (name: string, query = "", project?: TestProject) => call("GET", `/v2/prompts/${path(name)}${query}`, { project });
  const getOk = async (name: string, query = "", project?: TestProject) => {
    const response = await get(name, query, project);
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse(GET, 200, response.json());
    return response.json();
  };
  const patch = (name: string, version: number, newLabels: unknown) => call("PATCH", `/v2/prompts/${path(name)}/versions/${version}`, { body: { newLabels } });
  const remove = (name: string, query = "") => call("DELETE", `/v2/prompts/${path(name)}${query}`);
  const text = (name: string, prompt: string, extra: Body = {}) => ({ name, prompt, ...extra });
  /** Issues of a validation 400 body, as `path: message` lines. */
  const issues = (response: { json(): { error: Array<{ instancePath: string; message: string }> } }) =>
    response.json().error.map((issue) => `${issue.instancePath.split("/").filter(Boolean).join(".")}: ${issue.message}`);

  // Only a Postgres server can be shared between Wick processes; embedded PGlite belongs to one.
  it.runIf(mode === "server")("never serves a resolved prompt that another Wick instance on the same database has changed", async () => {
    const other = await createTestApp(mode, { stores: t.stores });
    try {
      const name = fresh("shared");
      await create(text(name, "first", { labels: ["production"] }));
      // Both instances cache the resolved prompt.
      expect((await getOk(name)).prompt).toBe("first");
      const read = () => other.app.inject({ method: "GET", url: `/api/public/v2/prompts/${path(name)}`, headers: { authorization: t.project.basic } });
      expect((await read()).json().prompt).toBe("first");
      // A write through this instance; the other one serves the new production version at once.
      await create(text(name, "second", { labels: ["production"] }));
      expect((await read()).json().prompt).toBe("second");
    } finally {
      await other.close();
    }
  });

  describe("authentication", () => {
    it.each(["GET", "POST", "DELETE"] as const)("names the error class on %s failures, and words the 403 with the method", async (method) => {
      const url = method === "POST" ? "/v2/prompts" : "/v2/prompts/any";
      const body = method === "POST" ? text("any", "x") : undefined;
      const missing = await call(method, url, { authorization: null, body });
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toEqual({ message: "No authorization header", error: "UnauthorizedError" });

      const wrong = await call(method, url, { authorization: basicAuthHeader(t.project.publicKey, "sk-lf-wrong"), body });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ message: "Invalid credentials. Confirm that you've configured the correct host.", error: "UnauthorizedError" });

      const forbidden = { message: `Access denied - need to use basic auth with secret key to ${method} prompts`, error: "ForbiddenError" };
      const bearer = await call(method, url, { authorization: `Bearer ${t.project.publicKey}`, body });
      expect(bearer.statusCode).toBe(403);
      expect(bearer.json()).toEqual(forbidden);

      const orgKey = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId: t.project.orgId });
      const organization = await call(method, url, { authorization: basicAuthHeader(orgKey.publicKey, orgKey.secretKey), body });
      expect(organization.statusCode).toBe(403);
      expect(organization.json()).toEqual(forbidden);
    });

    it("answers the label update's auth failures like the standard routes", async () => {
      const missing = await call("PATCH", "/v2/prompts/any/versions/1", { authorization: null, body: { newLabels: [] } });
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toEqual({ message: "No authorization header" });
      const bearer = await call("PATCH", "/v2/prompts/any/versions/1", { authorization: `Bearer ${t.project.publicKey}`, body: { newLabels: [] } });
      expect(bearer.statusCode).toBe(403);
      expect(bearer.json()).toEqual({ message: "Access denied - insufficient permissions for this endpoint" });
    });

    it("keeps each project's prompts to itself", async () => {
      const other = await t.createProject();
      const name = fresh();
      await create(text(name, "mine", { labels: ["production"] }));
      expect((await get(name, "", other)).statusCode).toBe(404);
      expect((await call("GET", `/v2/prompts?name=${name}`, { project: other })).json().data).toEqual([]);
      await create(text(name, "theirs", { labels: ["production"] }), other);
      expect((await getOk(name)).prompt).toBe("mine");
      expect((await getOk(name, "", other)).version).toBe(1);
    });
  });

  describe("create", () => {
    it("answers 201 with the stored row: latest added, no resolution graph, isActive as stored", async () => {
      const name = fresh();
      const response = await call("POST", "/v2/prompts", {
        body: { name, type: "text", prompt: "Hello {{name}}!", labels: ["production"], tags: ["onboarding"], config: { model: "gpt-4o-mini" }, commitMessage: "first" },
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toEqual({
        id: UUID,
        createdAt: ISO_DATE,
        updatedAt: ISO_DATE,
        projectId: t.project.id,
        createdBy: "API",
        prompt: "Hello {{name}}!",
        name,
        version: 1,
        type: "text",
        isActive: null,
        config: { model: "gpt-4o-mini" },
        tags: ["onboarding"],
        labels: ["production", "latest"],
        commitMessage: "first",
      });
      expect(Object.keys(body)).not.toContain("resolutionGraph");
    });

    it("stores chat messages as {role, content} and placeholders as {type, name}", async () => {
      const name = fresh();
      const body = await create({
        name,
        type: "chat",
        prompt: [
          { type: "chatmessage", role: "system", content: "You are {{persona}}.", extra: true },
          { type: "placeholder", name: "history" },
          { role: "user", content: "{{question}}" },
        ],
      });
      expect(body.prompt).toEqual([
        { role: "system", content: "You are {{persona}}." },
        { type: "placeholder", name: "history" },
        { role: "user", content: "{{question}}" },
      ]);
      expect((await getOk(name, "?label=latest")).prompt).toEqual(body.prompt);
    });

    it("numbers versions from 1 and moves latest and every given label to the new version", async () => {
      const name = fresh();
      await create(text(name, "v1", { labels: ["production", "staging"] }));
      await create(text(name, "v2", { labels: ["staging"] }));
      const third = await create(text(name, "v3"));
      expect(third.version).toBe(3);
      expect(third.labels).toEqual(["latest"]);
      expect((await getOk(name, "?version=1")).labels).toEqual(["production"]);
      expect((await getOk(name, "?version=2")).labels).toEqual(["staging"]);
      expect((await getOk(name, "?version=3")).labels).toEqual(["latest"]);
    });

    it("de-duplicates labels and keeps latest once when the client sends it", async () => {
      const body = await create(text(fresh(), "x", { labels: ["a", "a", "latest"] }));
      expect(body.labels).toEqual(["a", "latest"]);
    });

    it("shares tags across versions: omitted or null inherits, a new set rewrites every version, [] clears", async () => {
      const name = fresh();
      await create(text(name, "v1", { tags: ["b", "a", "b"] }));
      expect((await create(text(name, "v2"))).tags).toEqual(["b", "a"]);
      expect((await create(text(name, "v3", { tags: null }))).tags).toEqual(["b", "a"]);
      await create(text(name, "v4", { tags: ["c"] }));
      for (const version of [1, 2, 3, 4]) expect((await getOk(name, `?version=${version}`)).tags).toEqual(["c"]);
      await create(text(name, "v5", { tags: [] }));
      for (const version of [1, 5]) expect((await getOk(name, `?version=${version}`)).tags).toEqual([]);
    });

    it("bumps updatedAt of older versions whose labels move", async () => {
      const name = fresh();
      const first = await create(text(name, "v1", { tags: ["x"] }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await create(text(name, "v2", { tags: ["x"] }));
      const unchanged = await getOk(name, "?version=1");
      // `latest` moved off version 1, so it was rewritten; its tags were not.
      expect(unchanged.updatedAt > first.updatedAt).toBe(true);
      expect(unchanged.tags).toEqual(["x"]);
    });

    it("keeps config as sent, key order included; null or absent becomes {}", async () => {
      const name = fresh();
      const response = await call("POST", "/v2/prompts", { body: text(name, "x", { config: { zeta: 1, alpha: { b: 2, a: 1 } } }) });
      expect(response.body).toContain('"config":{"zeta":1,"alpha":{"b":2,"a":1}}');
      expect((await get(name, "?version=1")).body).toContain('"config":{"zeta":1,"alpha":{"b":2,"a":1}}');
      expect((await create(text(name, "x", { config: null }))).config).toEqual({});
      expect((await create(text(name, "x"))).config).toEqual({});
      expect((await create(text(name, "x", { config: ["a", 1] }))).config).toEqual(["a", 1]);
      expect((await create(text(name, "x", { config: "plain" }))).config).toBe("plain");
      expect((await create(text(name, "x", { config: 0 }))).config).toBe(0);
    });

    it.each(["1", "true", "null", "[1]", '{"a":1}', "  2 ", '"quoted"'])("keeps the text prompt and config %j as strings, however JSON-like", async (content) => {
      const name = fresh();
      const created = await create(text(name, content, { config: content }));
      expect([created.prompt, created.config]).toEqual([content, content]);
      for (const query of ["?version=1", "?version=1&resolve=false", "?label=latest"]) {
        const body = await getOk(name, query);
        expect([body.prompt, body.config]).toEqual([content, content]);
      }
      const listed = await call("GET", `/v2/prompts?name=${path(name)}`);
      expect(listed.json().data[0].lastConfig).toEqual(content);
      const chat = await create({ name: fresh(), type: "chat", prompt: [{ role: "user", content }] });
      expect(chat.prompt).toEqual([{ role: "user", content }]);
      expect((await getOk(chat.name, "?version=1")).prompt).toEqual([{ role: "user", content }]);
      // A composing prompt gets the child's text, not a value parsed from it.
      const parent = await create(text(fresh("parent"), `<@@@langfusePrompt:name=${name}|version=1@@@>`));
      expect((await getOk(parent.name, "?version=1")).prompt).toBe(`<${content}>`);
      const whole = await create(text(fresh("parent"), `@@@langfusePrompt:name=${name}|version=1@@@`));
      expect((await getOk(whole.name, "?version=1")).prompt).toBe(content);
    });

    it("trims names and accepts folders", async () => {
      const body = await create(text("  team/support/triage  ", "x", { labels: ["production"] }));
      expect(body.name).toBe("team/support/triage");
      expect((await getOk("team/support/triage")).name).toBe("team/support/triage");
      expect((await call("GET", "/v2/prompts/team%2fsupport%2ftriage")).statusCode).toBe(200);
    });

    it.each([
      ["", "Text cannot be empty"],
      ["<b>bold</b>", "Text cannot contain HTML tags"],
      ["a|b", "Prompt name cannot contain '|' character"],
      ["/a", "Name cannot start with a slash"],
      ["a//b", "Name cannot contain consecutive slashes"],
      ["a/", "Name cannot end with a slash"],
      ["   ", "Name cannot be empty"],
      ["new", "Prompt name cannot be 'new'"],
      ["metrics", "Prompt name cannot be 'metrics'"],
      ["prompt-detail", "Prompt name cannot be 'prompt-detail'"],
    ])("refuses the name %j: %s", async (name, message) => {
      const response = await call("POST", "/v2/prompts", { body: text(name, "x") });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe("Invalid request data");
      expect(issues(response)).toContain(`name: ${message}`);
    });

    it("allows reserved words inside folders", async () => {
      expect((await create(text(`${fresh()}/new`, "x"))).version).toBe(1);
    });

    it.each([
      ["uppercase", ["Production"]],
      ["a space", ["my label"]],
      ["an empty label", [""]],
      ["37 characters", ["a".repeat(37)]],
    ])("refuses a label with %s", async (_case, labels) => {
      const response = await call("POST", "/v2/prompts", { body: text(fresh(), "x", { labels }) });
      expect(response.statusCode).toBe(400);
      expect(issues(response).every((issue: string) => issue.startsWith("labels.0: "))).toBe(true);
    });

    it("names the offending label rule", async () => {
      const response = await call("POST", "/v2/prompts", { body: text(fresh(), "x", { labels: ["ok", "Not.OK"] }) });
      expect(issues(response)).toEqual(["labels.1: Label must be lowercase alphanumeric with optional underscores, hyphens, or periods"]);
      expect((await create(text(fresh(), "x", { labels: ["a-b_c.1", "x".repeat(36)] }))).labels).toEqual(["a-b_c.1", "x".repeat(36), "latest"]);
    });

    it.each([
      ["type null", { type: null, prompt: "x" }, "type"],
      ["labels null", { prompt: "x", labels: null }, "labels"],
      ["a chat prompt without type", { prompt: [{ role: "user", content: "x" }] }, "prompt"],
      ["a text prompt that is not a string", { type: "text", prompt: 42 }, "prompt"],
      ["a message without content", { type: "chat", prompt: [{ role: "user" }] }, "prompt.0"],
      ["a placeholder without type", { type: "chat", prompt: [{ name: "history" }] }, "prompt.0"],
      ["a placeholder with a bad name", { type: "chat", prompt: [{ type: "placeholder", name: "1history" }] }, "prompt.0"],
      ["a commit message over 500 characters", { prompt: "x", commitMessage: "m".repeat(501) }, "commitMessage"],
      ["tags that are not strings", { prompt: "x", tags: [1] }, "tags.0"],
      ["no prompt", {}, "prompt"],
    ])("answers 400 naming the field for %s", async (_case, body, field) => {
      const response = await call("POST", "/v2/prompts", { body: { name: fresh(), ...body } });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe("Invalid request data");
      expect(issues(response).some((issue: string) => issue.startsWith(`${field}: `) || issue.startsWith(`${field}.`))).toBe(true);
    });

    it("refuses placeholders that are also variables", async () => {
      const response = await call("POST", "/v2/prompts", {
        body: {
          name: fresh(),
          type: "chat",
          prompt: [
            { role: "system", content: "{{history}} and {{topic}} and {{ notAVariable }}" },
            { type: "placeholder", name: "history" },
            { type: "placeholder", name: "notAVariable" },
          ],
        },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: "Cannot create prompt, variables and placeholders must be unique, the following are not: history", error: "InvalidRequestError" });
    });

    it("keeps one type per name until every version is deleted", async () => {
      const name = fresh();
      await create(text(name, "x"));
      const response = await call("POST", "/v2/prompts", { body: { name, type: "chat", prompt: [] } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: "Previous versions have different prompt type. Create a new prompt with a different name.", error: "InvalidRequestError" });
      expect((await remove(name)).statusCode).toBe(204);
      const chat = await create({ name, type: "chat", prompt: [] });
      expect(chat).toMatchObject({ version: 1, type: "chat" });
    });
  });

  describe("get", () => {
    it("defaults to production, never latest", async () => {
      const name = fresh();
      await create(text(name, "v1"));
      const missing = await get(name);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ message: `Prompt not found: '${name}' with label 'production'`, error: "LangfuseNotFoundError" });
      await create(text(name, "v2", { labels: ["production"] }));
      await create(text(name, "v3"));
      const body = await getOk(name);
      expect(body).toMatchObject({ version: 2, prompt: "v2", isActive: true, resolutionGraph: null, labels: ["production"] });
      expect((await getOk(name, "?version=0")).version).toBe(2);
    });

    it("fetches by version or by any label, latest included", async () => {
      const name = fresh();
      await create(text(name, "v1", { labels: ["production"], commitMessage: "one" }));
      await create(text(name, "v2", { labels: ["staging"] }));
      expect(await getOk(name, "?version=1")).toMatchObject({ prompt: "v1", isActive: true, commitMessage: "one" });
      expect(await getOk(name, "?label=staging")).toMatchObject({ version: 2, isActive: false, commitMessage: null });
      expect((await getOk(name, "?label=latest")).version).toBe(2);
    });

    it("answers the reference's 404s", async () => {
      const name = fresh();
      await create(text(name, "v1"));
      expect((await get(name, "?version=7")).json()).toEqual({ message: `Prompt not found: '${name}' with version 7`, error: "LangfuseNotFoundError" });
      expect((await get(name, "?label=nope")).json()).toEqual({ message: `Prompt not found: '${name}' with label 'nope'`, error: "LangfuseNotFoundError" });
      expect((await get(name, "?version=99999999999")).statusCode).toBe(404);
      expect((await get("no-such-prompt", "?version=1")).statusCode).toBe(404);
    });

    it("refuses both version and label, and resolve values other than true and false", async () => {
      const both = await get("x", "?version=1&label=production");
      expect(both.statusCode).toBe(400);
      expect(both.json()).toEqual({ message: "Cannot specify both version and label", error: "InvalidRequestError" });
      expect((await get("x", "?resolve=yes")).statusCode).toBe(400);
      expect((await get("x", "?version=abc")).statusCode).toBe(400);
    });

    it("decodes encoded slashes in the name and never splits on them", async () => {
      const name = `${fresh("folder")}/sub/leaf`;
      await create(text(name, "deep", { labels: ["production"] }));
      expect((await getOk(name)).prompt).toBe("deep");
      expect((await call("GET", `/v2/prompts/${name}`)).statusCode).toBe(404);
    });

    it("sends no HTTP caching headers", async () => {
      const name = fresh();
      await create(text(name, "x", { labels: ["production"] }));
      const response = await get(name);
      expect(response.headers["cache-control"]).toBeUndefined();
      expect(response.headers.etag).toBeUndefined();
    });
  });

  describe("list", () => {
    let project: TestProject;
    beforeAll(async () => {
      project = await t.createProject();
      await create(text("beta", "b1", { labels: ["production"], tags: ["x"], config: { n: 1 } }), project);
      await create(text("beta", "b2", { config: { n: 2 } }), project);
      await create({ name: "alpha", type: "chat", prompt: [], tags: ["y"] }, project);
      await create(text("Gamma/one", "g1", { labels: ["production"] }), project);
    });
    const list = (query = "") => call("GET", `/v2/prompts${query}`, { project });
    const listOk = async (query = "") => {
      const response = await list(query);
      expect(response.statusCode, response.body).toBe(200);
      expectReferenceResponse(LIST, 200, response.json());
      return response.json();
    };

    it("summarises every name in bytewise name order, with meta and its legacy copy", async () => {
      const body = await listOk();
      expect(body.data.map((item: { name: string }) => item.name)).toEqual(["Gamma/one", "alpha", "beta"]);
      expect(body.data[2]).toEqual({ name: "beta", versions: [1, 2], labels: ["latest", "production"], tags: ["x"], lastUpdatedAt: ISO_DATE, type: "text", lastConfig: { n: 2 } });
      expect(body.data[1]).toMatchObject({ name: "alpha", type: "chat", versions: [1], tags: ["y"] });
      expect(body.meta).toEqual({ page: 1, limit: 10, totalItems: 3, totalPages: 1 });
      expect(body.pagination).toEqual(body.meta);
    });

    it("filters versions before grouping: a label filter describes only the versions that carry it", async () => {
      const body = await listOk("?label=production");
      expect(body.data.map((item: { name: string }) => item.name)).toEqual(["Gamma/one", "beta"]);
      expect(body.data[1]).toMatchObject({ versions: [1], labels: ["production"], lastConfig: { n: 1 } });
      expect((await listOk("?tag=y")).data.map((item: { name: string }) => item.name)).toEqual(["alpha"]);
      expect((await listOk("?name=beta&version=2")).data).toEqual([expect.objectContaining({ versions: [2], labels: ["latest"] })]);
      expect((await listOk("?name=nope")).meta).toEqual({ page: 1, limit: 10, totalItems: 0, totalPages: 0 });
    });

    it("filters by update time: from is inclusive, to exclusive", async () => {
      const all = (await listOk()).data as Array<{ name: string; lastUpdatedAt: string }>;
      const beta = all.find((item) => item.name === "beta")!;
      expect((await listOk(`?name=beta&fromUpdatedAt=${beta.lastUpdatedAt}`)).data).toHaveLength(1);
      expect((await listOk(`?name=beta&toUpdatedAt=${beta.lastUpdatedAt}`)).data.every((item: { versions: number[] }) => !item.versions.includes(2))).toBe(true);
      expect((await listOk("?fromUpdatedAt=2100-01-01T00:00:00%2B02:00")).data).toEqual([]);
      expect((await list("?fromUpdatedAt=2024-01-01")).statusCode).toBe(400);
    });

    it("paginates by name and rejects empty or out-of-range page and limit", async () => {
      const second = await listOk("?limit=2&page=2");
      expect(second.data.map((item: { name: string }) => item.name)).toEqual(["beta"]);
      expect(second.meta).toEqual({ page: 2, limit: 2, totalItems: 3, totalPages: 2 });
      for (const query of ["?page=", "?limit=", "?page=0", "?limit=101", "?limit=0"]) expect((await list(query)).statusCode, query).toBe(400);
    });
  });

  describe("label updates", () => {
    it("adds labels without removing any, moving each from the version that had it", async () => {
      const name = fresh();
      await create(text(name, "v1", { labels: ["production", "a"] }));
      await create(text(name, "v2"));
      const response = await patch(name, 2, ["production", "Not-Validated"]);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expectReferenceResponse(PATCH, 200, body);
      expect(body).toMatchObject({ version: 2, labels: ["latest", "production", "Not-Validated"], isActive: null });
      expect(Object.keys(body)).not.toContain("resolutionGraph");
      expect((await getOk(name, "?version=1")).labels).toEqual(["a"]);
      expect((await getOk(name)).version).toBe(2);
      expect((await patch(name, 2, [])).json().labels).toEqual(["latest", "production", "Not-Validated"]);
    });

    it("refuses latest and unknown versions", async () => {
      const name = fresh();
      await create(text(name, "v1"));
      const latest = await patch(name, 1, ["latest"]);
      expect(latest.statusCode).toBe(400);
      expect(issues(latest)).toEqual(["newLabels: Label 'latest' is always assigned to the latest prompt version"]);
      const missing = await patch(name, 5, ["x"]);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ message: `Prompt '${name}' version 5 not found in project`, error: "LangfuseNotFoundError" });
      expect((await call("PATCH", `/v2/prompts/${name}/versions/1`, { body: {} })).statusCode).toBe(400);
    });

    it("works on names in folders", async () => {
      const name = `${fresh("folder")}/leaf`;
      await create(text(name, "v1"));
      expect((await patch(name, 1, ["production"])).statusCode).toBe(200);
      expect((await getOk(name)).version).toBe(1);
    });
  });

  describe("delete", () => {
    it("deletes one version, a label's versions, or all; latest moves to the highest version left", async () => {
      const name = fresh();
      await create(text(name, "v1"));
      await create(text(name, "v2", { labels: ["staging"] }));
      await create(text(name, "v3"));
      const response = await remove(name, "?version=3");
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe("");
      expect((await getOk(name, "?label=latest")).version).toBe(2);
      // The highest number is free again.
      expect((await create(text(name, "v3 again"))).version).toBe(3);
      expect((await remove(name, "?label=staging")).statusCode).toBe(204);
      expect((await get(name, "?version=2")).statusCode).toBe(404);
      expect((await remove(name)).statusCode).toBe(204);
      expect((await get(name, "?label=latest")).statusCode).toBe(404);
      expect((await create(text(name, "fresh start"))).version).toBe(1);
    });

    it("answers 404 when nothing matches and 400 for both version and label", async () => {
      const name = fresh();
      expect((await remove(name)).json()).toEqual({ message: "Prompt not found", error: "LangfuseNotFoundError" });
      await create(text(name, "v1"));
      expect((await remove(name, "?version=2")).statusCode).toBe(404);
      expect((await remove(name, "?label=nope")).statusCode).toBe(404);
      expect((await remove(name, "?version=1&label=latest")).json()).toEqual({ message: "Cannot specify both version and label", error: "InvalidRequestError" });
    });

    it("refuses to break another prompt's composition", async () => {
      const child = fresh("child");
      await create(text(child, "c1", { labels: ["production"] }));
      await create(text(child, "c2", { labels: ["pinned"] }));
      const parent = fresh("parent");
      await create(text(parent, `@@@langfusePrompt:name=${child}|label=production@@@ @@@langfusePrompt:name=${child}|version=2@@@`));

      const pinned = await remove(child, "?version=2");
      expect(pinned.statusCode).toBe(400);
      expect(pinned.json()).toEqual({
        message: `Other prompts are depending on prompt versions you are trying to delete:\n\n${parent} v1 depends on ${child} v2\n\nPlease delete the dependent prompts first.`,
        error: "InvalidRequestError",
      });
      const labelled = await remove(child, "?label=production");
      expect(labelled.json().message).toContain(`${parent} v1 depends on ${child} production`);
      expect((await remove(child)).statusCode).toBe(400);

      // Once production is also on another version, its old holder can go.
      await create(text(child, "c3", { labels: ["production"] }));
      expect((await remove(child, "?version=1")).statusCode).toBe(204);
      // Dependencies disappear with the versions that hold them.
      expect((await remove(parent)).statusCode).toBe(204);
      expect((await remove(child)).statusCode).toBe(204);
    });
  });

  describe("composition", () => {
    const tag = (name: string, selector: string) => `@@@langfusePrompt:name=${name}|${selector}@@@`;

    it("resolves label and version references, JSON-escaped inside chat messages, with the graph", async () => {
      const tone = `${fresh("snippets")}/tone`;
      const first = await create(text(tone, "Be concise.", { labels: ["production"] }));
      const second = await create(text(tone, 'Say "hi"\nthen stop.'));
      const parent = fresh("parent");
      const created = await create({
        name: parent,
        type: "chat",
        labels: ["production"],
        prompt: [
          { role: "system", content: `Intro. ${tag(tone, "label=production")} End.` },
          { role: "user", content: `${tag(tone, "version=2")} / ${tag(tone, "label=production")}` },
        ],
      });
      const body = await getOk(parent);
      expect(body.prompt).toEqual([
        { role: "system", content: "Intro. Be concise. End." },
        { role: "user", content: 'Say "hi"\nthen stop. / Be concise.' },
      ]);
      expect(body.resolutionGraph).toEqual({
        root: { id: created.id, name: parent, version: 1 },
        dependencies: {
          [created.id]: [
            { id: first.id, name: tone, version: 1 },
            { id: second.id, name: tone, version: 2 },
          ],
        },
      });
      const raw = await getOk(parent, "?resolve=false");
      expect(raw.prompt).toEqual(created.prompt);
      expect(raw.resolutionGraph).toBeNull();
    });

    it("binds label references at read time, so moving a label changes every composing prompt", async () => {
      const child = fresh("child");
      await create(text(child, "old", { labels: ["production"] }));
      const parent = fresh("parent");
      await create(text(parent, `[${tag(child, "label=production")}]`, { labels: ["production"] }));
      expect((await getOk(parent)).prompt).toBe("[old]");
      await create(text(child, "unlabelled"));
      expect((await getOk(parent)).prompt).toBe("[old]");
      await create(text(child, "new", { labels: ["production"] }));
      expect((await getOk(parent)).prompt).toBe("[new]");
      expect((await patch(child, 1, ["production"])).statusCode).toBe(200);
      expect((await getOk(parent)).prompt).toBe("[old]");
    });

    it("resolves nested prompts down to five levels and refuses a sixth at create", async () => {
      const names = Array.from({ length: 6 }, (_, level) => fresh(`level${level}`));
      await create(text(names[4]!, "bottom", { labels: ["production"] }));
      for (const level of [3, 2, 1, 0]) await create(text(names[level]!, `${level}>${tag(names[level + 1]!, "label=production")}`, { labels: ["production"] }));
      const top = await getOk(names[0]!);
      expect(top.prompt).toBe("0>1>2>3>bottom");
      expect(Object.keys(top.resolutionGraph.dependencies)).toHaveLength(4);

      await create(text(names[5]!, "too deep", { labels: ["production"] }));
      const tooDeep = await call("POST", "/v2/prompts", { body: text(fresh(), tag(names[0]!, "label=production")) });
      expect(tooDeep.statusCode).toBe(400);
      expect(tooDeep.json()).toEqual({ message: "Maximum nesting depth exceeded (5)", error: "InvalidRequestError" });
    });

    it("refuses self-references and missing or chat dependencies at create", async () => {
      const name = fresh();
      await create(text(name, "v1", { labels: ["production"] }));
      const self = await call("POST", "/v2/prompts", { body: text(name, tag(name, "label=production")) });
      expect(self.json()).toEqual({ message: `Circular dependency detected involving prompt '${name}' version 1`, error: "InvalidRequestError" });

      const missing = await call("POST", "/v2/prompts", { body: text(fresh(), tag("nowhere", "label=production")) });
      expect(missing.json()).toEqual({ message: "Prompt dependency not found: nowhere - label production", error: "InvalidRequestError" });
      const missingVersion = await call("POST", "/v2/prompts", { body: text(fresh(), tag(name, "version=9")) });
      expect(missingVersion.json().message).toBe(`Prompt dependency not found: ${name} - version 9`);

      const chat = fresh("chat");
      await create({ name: chat, type: "chat", prompt: [], labels: ["production"] });
      const notText = await call("POST", "/v2/prompts", { body: text(fresh(), tag(chat, "label=production")) });
      expect(notText.statusCode).toBe(400);
      expect(notText.json().message).toBe(`Prompt dependency is not a text prompt: ${chat} - label production`);
      // Nothing was stored by the refused creates.
      expect((await get(name, "?version=2")).statusCode).toBe(404);
    });

    it("leaves malformed tags as literal text", async () => {
      const literal = [
        "@@@langfusePrompt:name=a@@@",
        "@@@langfusePrompt:name=a|label=x|version=1@@@",
        "@@@langfusePrompt:title=a|label=x@@@",
        "@@@langfusePrompt:name=a|version=one@@@",
        "@@@langfusePrompt:name=a|foo=bar@@@",
      ].join(" ");
      const name = fresh();
      await create(text(name, literal, { labels: ["production"] }));
      const body = await getOk(name);
      expect(body.prompt).toBe(literal);
      expect(body.resolutionGraph).toBeNull();
    });

    it("answers 409 when label moves make a stored prompt circular or too deep", async () => {
      const [a, b, c] = [fresh("a"), fresh("b"), fresh("c")];
      await create(text(c, "c1", { labels: ["production"] }));
      await create(text(b, "b1", { labels: ["production"] }));
      await create(text(a, `a>${tag(b, "label=production")}`, { labels: ["production"] }));
      await create(text(b, `b2>${tag(c, "label=production")}`));
      await create(text(c, `c2>${tag(a, "label=production")}`));
      expect((await getOk(a)).prompt).toBe("a>b1");
      await patch(b, 2, ["production"]);
      expect((await getOk(a)).prompt).toBe("a>b2>c1");
      await patch(c, 2, ["production"]);
      const circular = await get(a);
      expect(circular.statusCode).toBe(409);
      expect(circular.json()).toEqual({ message: `Circular dependency detected involving prompt '${a}' version 1`, error: "LangfuseConflictError" });
      // The raw content is still readable.
      expect((await getOk(a, "?resolve=false")).prompt).toBe(`a>${tag(b, "label=production")}`);

      const chain = Array.from({ length: 5 }, (_, level) => fresh(`chain${level}`));
      await create(text(chain[4]!, "end", { labels: ["production"] }));
      for (const level of [3, 2, 1, 0]) await create(text(chain[level]!, `${level}>${tag(chain[level + 1]!, "label=production")}`, { labels: ["production"] }));
      const extra = fresh("extra");
      await create(text(extra, "extra", { labels: ["production"] }));
      await create(text(chain[4]!, `end>${tag(extra, "label=production")}`));
      await patch(chain[4]!, 2, ["production"]);
      const deep = await get(chain[0]!);
      expect(deep.statusCode).toBe(409);
      expect(deep.json()).toEqual({ message: "Maximum nesting depth exceeded (5)", error: "LangfuseConflictError" });
    });
  });

  describe("the server-side cache", () => {
    it("never serves a resolved prompt older than the last write in its project", async () => {
      const project = await t.createProject();
      const child = fresh("child");
      const parent = fresh("parent");
      await create(text(child, "one", { labels: ["production"] }), project);
      await create(text(parent, `<${`@@@langfusePrompt:name=${child}|label=production@@@`}>`, { labels: ["production"] }), project);
      const read = async (name = parent) => (await getOk(name, "", project)).prompt;
      expect(await read()).toBe("<one>");
      expect(await read()).toBe("<one>");
      for (let round = 2; round <= 6; round += 1) {
        await create(text(child, `v${round}`, { labels: ["production"] }), project);
        // Concurrent reads around a write must all see it once it has answered.
        const reads = await Promise.all(Array.from({ length: 5 }, () => read()));
        expect(reads).toEqual(Array(5).fill(`<v${round}>`));
      }
      await call("PATCH", `/v2/prompts/${path(child)}/versions/5`, { body: { newLabels: ["production"] }, project });
      expect(await read()).toBe("<v5>");

      const follower = fresh("follower");
      await create(text(follower, `@@@langfusePrompt:name=${child}|label=latest@@@`, { labels: ["production"] }), project);
      expect(await read(follower)).toBe("v6");
      // Deleting the latest version moves `latest`, and with it what the follower composes.
      expect((await call("DELETE", `/v2/prompts/${path(child)}?version=6`, { project })).statusCode).toBe(204);
      expect(await read(follower)).toBe("v5");
    });

    it("does not share entries between projects", async () => {
      const [one, two] = [await t.createProject(), await t.createProject()];
      const name = fresh();
      await create(text(name, "one", { labels: ["production"] }), one);
      await create(text(name, "two", { labels: ["production"] }), two);
      expect((await getOk(name, "", one)).prompt).toBe("one");
      expect((await getOk(name, "", two)).prompt).toBe("two");
    });
  });

  it("gives concurrent creates of one name distinct, consecutive versions and one latest", async () => {
    const name = fresh("concurrent");
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => call("POST", "/v2/prompts", { body: text(name, `attempt ${index}`, { labels: ["production"] }) })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(201));
    const versions = responses.map((response) => response.json().version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    const summary = (await call("GET", `/v2/prompts?name=${name}`)).json().data[0];
    expect(summary.versions).toEqual(versions);
    const withLatest = await getOk(name, "?label=latest");
    expect(withLatest.version).toBe(20);
    expect((await getOk(name)).version).toBe(20);
    for (const version of [1, 19]) expect((await getOk(name, `?version=${version}`)).labels).toEqual([]);
  });
});
