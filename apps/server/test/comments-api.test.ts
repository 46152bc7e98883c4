import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const CREATE = { method: "POST", path: "/api/public/comments" };
const LIST = { method: "GET", path: "/api/public/comments" };
const GET = { method: "GET", path: "/api/public/comments/{commentId}" };

describe.each(postgresModes())("comments API (%s Postgres)", (mode) => {
  let t: TestApp;
  let project: TestProject;
  let promptId: string;

  const call = (method: "GET" | "POST", url: string, options: { body?: unknown; authorization?: string } = {}) =>
    t.app.inject({ method, url: `/api/public${url}`, headers: { authorization: options.authorization ?? project.basic }, payload: options.body as object });
  const comment = (objectType: string, objectId: string, content = "Looks good") => ({ projectId: "ignored", objectType, objectId, content });
  const create = async (body: object, authorization = project.basic) => {
    const response = await call("POST", "/comments", { body, authorization });
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse(CREATE, 200, response.json());
    return response.json().id as string;
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    project = await t.createProject();
    const timestamp = new Date().toISOString();
    const ingested = await call("POST", "/ingestion", {
      body: {
        batch: [
          { id: randomUUID(), type: "trace-create", timestamp, body: { id: "trace-1", sessionId: "session-1" } },
          { id: randomUUID(), type: "span-create", timestamp, body: { id: "span-1", traceId: "trace-1" } },
        ],
      },
    });
    expect(ingested.json().errors).toEqual([]);
    const prompt = await call("POST", "/v2/prompts", { body: { name: "greeting", prompt: "Hello {{name}}", type: "text" } });
    expect(prompt.statusCode, prompt.body).toBe(201);
    promptId = prompt.json().id;
  });
  afterAll(async () => t?.close());

  it("comments on traces, observations, sessions and prompt versions, and reads each back", async () => {
    const targets: Array<[string, string]> = [
      ["TRACE", "trace-1"],
      ["OBSERVATION", "span-1"],
      ["SESSION", "session-1"],
      ["PROMPT", promptId],
    ];
    for (const [objectType, objectId] of targets) {
      const id = await create(comment(objectType, objectId, `  **${objectType}** note  `));
      const response = await call("GET", `/comments/${id}`);
      expect(response.statusCode).toBe(200);
      expectReferenceResponse(GET, 200, response.json());
      expect(response.json()).toEqual({
        id,
        projectId: project.id,
        objectType,
        objectId,
        content: `**${objectType}** note`,
        authorUserId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    }
  });

  it.each([
    ["TRACE", "no-such-trace"],
    ["OBSERVATION", "trace-1"],
    ["SESSION", "no-such-session"],
    ["PROMPT", "greeting"],
  ])("refuses a comment on a %s that does not exist (%s)", async (objectType, objectId) => {
    const response = await call("POST", "/comments", { body: comment(objectType, objectId) });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ message: `Reference object, ${objectType}: ${objectId} not found. Skipping comment creation.`, error: "LangfuseNotFoundError" });
  });

  it.each([
    [{ objectType: "TRACE", objectId: "trace-1", content: "x" }, "projectId"],
    [{ ...comment("TRACE", "trace-1"), mood: "happy" }, "mood"],
    [{ ...comment("DATASET", "trace-1") }, "objectType"],
    [{ ...comment("TRACE", "trace-1", "   ") }, "content"],
    [{ ...comment("TRACE", "trace-1", "x".repeat(5001)) }, "content"],
    [{ projectId: "p", objectType: "TRACE", content: "x" }, "objectId"],
  ])("refuses %j naming %s", async (body, parameter) => {
    const response = await call("POST", "/comments", { body });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe("Invalid request data");
    expect(JSON.stringify(response.json().error)).toContain(parameter);
  });

  it("refuses an author, since Wick has no organization members", async () => {
    const response = await call("POST", "/comments", { body: { ...comment("TRACE", "trace-1"), authorUserId: "user-1" } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ message: "authorUserId must belong to a member of the organization that owns the authenticated project.", error: "InvalidRequestError" });
    expect((await call("POST", "/comments", { body: { ...comment("TRACE", "trace-1"), authorUserId: null } })).statusCode).toBe(200);
  });

  it("lists with filters and walks every page once", async () => {
    const own = await t.createProject();
    const timestamp = new Date().toISOString();
    await call("POST", "/ingestion", { authorization: own.basic, body: { batch: [{ id: randomUUID(), type: "trace-create", timestamp, body: { id: "t-a", sessionId: "s-a" } }] } });
    const onTrace = [];
    for (let i = 0; i < 5; i += 1) onTrace.push(await create(comment("TRACE", "t-a", `c${i}`), own.basic));
    const onSession = await create(comment("SESSION", "s-a"), own.basic);

    const all = (await call("GET", "/comments?limit=100", { authorization: own.basic })).json();
    expectReferenceResponse(LIST, 200, all);
    expect(all.meta).toEqual({ page: 1, limit: 100, totalItems: 6, totalPages: 1 });
    const createdAt = all.data.map((c: { createdAt: string }) => c.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());

    const walked: string[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const body = (await call("GET", `/comments?limit=2&page=${page}`, { authorization: own.basic })).json();
      expect(body.meta).toEqual({ page, limit: 2, totalItems: 6, totalPages: 3 });
      walked.push(...body.data.map((c: { id: string }) => c.id));
    }
    expect(walked).toEqual(all.data.map((c: { id: string }) => c.id));

    const onObject = (await call("GET", "/comments?objectType=TRACE&objectId=t-a", { authorization: own.basic })).json();
    expect(onObject.data.map((c: { id: string }) => c.id).sort()).toEqual([...onTrace].sort());
    expect((await call("GET", "/comments?objectType=SESSION", { authorization: own.basic })).json().data.map((c: { id: string }) => c.id)).toEqual([onSession]);
    expect((await call("GET", "/comments?authorUserId=someone", { authorization: own.basic })).json().meta.totalItems).toBe(0);
  });

  it.each([
    ["?objectId=trace-1", "objectId"],
    ["?objectType=trace", "objectType"],
    ["?sort=asc", "sort"],
    ["?limit=101", "limit"],
    ["?page=0", "page"],
  ])("refuses the list query %s naming %s", async (query, parameter) => {
    const response = await call("GET", `/comments${query}`);
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error)).toContain(parameter);
  });

  it("answers the reference's 404 for unknown comments, and 400 for unknown query parameters", async () => {
    const missing = await call("GET", "/comments/nope");
    expect(missing.statusCode).toBe(404);
    expectReferenceResponse(GET, 404, missing.json());
    expect(missing.json()).toEqual({ message: "Comment not found within authorized project", error: "LangfuseNotFoundError" });
    const extra = await call("GET", "/comments/nope?expand=true");
    expect(extra.statusCode).toBe(400);
    expect(JSON.stringify(extra.json().error)).toContain("expand");
  });

  it("keeps projects apart", async () => {
    const id = await create(comment("TRACE", "trace-1", "private"));
    const other = await t.createProject();
    expect((await call("GET", `/comments/${id}`, { authorization: other.basic })).statusCode).toBe(404);
    expect((await call("GET", "/comments", { authorization: other.basic })).json().data).toEqual([]);
    // Another project's objects cannot be commented on either.
    for (const [objectType, objectId] of [
      ["TRACE", "trace-1"],
      ["OBSERVATION", "span-1"],
      ["SESSION", "session-1"],
      ["PROMPT", promptId],
    ]) {
      const response = await call("POST", "/comments", { body: comment(objectType!, objectId!), authorization: other.basic });
      expect(response.statusCode).toBe(404);
    }
    expect((await call("GET", "/comments", { authorization: `Bearer ${project.publicKey}` })).statusCode).toBe(403);
  });
});
