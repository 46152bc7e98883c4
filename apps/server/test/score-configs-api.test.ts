import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const CREATE = { method: "POST", path: "/api/public/score-configs" };
const LIST = { method: "GET", path: "/api/public/score-configs" };
const GET = { method: "GET", path: "/api/public/score-configs/{configId}" };
const PATCH = { method: "PATCH", path: "/api/public/score-configs/{configId}" };

const NOT_FOUND = { message: "Score config not found within authorized project", error: "LangfuseNotFoundError" };

describe.each(postgresModes())("score configs API (%s Postgres)", (mode) => {
  let t: TestApp;
  let project: TestProject;
  beforeAll(async () => {
    t = await createTestApp(mode);
    project = await t.createProject();
  });
  afterAll(async () => t?.close());

  const call = (method: "GET" | "POST" | "PATCH", url: string, options: { body?: unknown; authorization?: string } = {}) =>
    t.app.inject({ method, url: `/api/public${url}`, headers: { authorization: options.authorization ?? project.basic }, payload: options.body as object });
  const create = async (body: object) => {
    const response = await call("POST", "/score-configs", { body });
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse(CREATE, 200, response.json());
    return response.json();
  };

  it("creates each data type, storing BOOLEAN's fixed categories and no BOOLEAN range", async () => {
    const numeric = await create({ name: "accuracy (0-1)", dataType: "NUMERIC", minValue: 0, maxValue: 1, description: "share correct" });
    expect(numeric).toMatchObject({
      projectId: project.id,
      name: "accuracy (0-1)",
      dataType: "NUMERIC",
      isArchived: false,
      minValue: 0,
      maxValue: 1,
      categories: null,
      description: "share correct",
    });
    expect(numeric.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(numeric.createdAt)).not.toBeNaN();

    const categorical = await create({
      name: "tone",
      dataType: "CATEGORICAL",
      categories: [
        { label: "friendly", value: 1 },
        { label: "rude", value: 0 },
      ],
    });
    expect(categorical).toMatchObject({
      categories: [
        { label: "friendly", value: 1 },
        { label: "rude", value: 0 },
      ],
      minValue: null,
      maxValue: null,
      description: null,
    });

    const boolean = await create({ name: "correct", dataType: "BOOLEAN", minValue: 5 });
    expect(boolean).toMatchObject({
      minValue: null,
      maxValue: null,
      categories: [
        { label: "True", value: 1 },
        { label: "False", value: 0 },
      ],
    });

    expect(await create({ name: "Überprüfung_2.0", dataType: "TEXT" })).toMatchObject({ dataType: "TEXT", categories: null });
  });

  it.each([
    [{ name: "x".repeat(36), dataType: "NUMERIC" }, "name"],
    [{ name: "a/b", dataType: "NUMERIC" }, "name"],
    [{ name: "", dataType: "NUMERIC" }, "name"],
    [{ name: "n", dataType: "CORRECTION" }, "dataType"],
    [{ name: "n", dataType: "NUMERIC", minValue: 1, maxValue: 1 }, "maxValue"],
    [{ name: "n", dataType: "NUMERIC", categories: [{ label: "a", value: 1 }] }, "categories"],
    [{ name: "n", dataType: "CATEGORICAL" }, "categories"],
    [
      {
        name: "n",
        dataType: "CATEGORICAL",
        categories: [
          { label: "a", value: 1 },
          { label: "a", value: 2 },
        ],
      },
      "categories",
    ],
    [
      {
        name: "n",
        dataType: "CATEGORICAL",
        categories: [
          { label: "a", value: 1 },
          { label: "b", value: 1 },
        ],
      },
      "categories",
    ],
    [{ name: "n", dataType: "CATEGORICAL", categories: [{ label: "", value: 1 }] }, "label"],
    [{ name: "n", dataType: "CATEGORICAL", categories: [], minValue: 0 }, "minValue"],
    [{ name: "n", dataType: "BOOLEAN", categories: [{ label: "yes", value: 1 }] }, "categories"],
    [{ name: "n", dataType: "TEXT", maxValue: 3 }, "maxValue"],
  ])("refuses %j naming %s", async (body, parameter) => {
    const response = await call("POST", "/score-configs", { body });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe("Invalid request data");
    expect(JSON.stringify(response.json().error)).toContain(parameter);
  });

  it("gets a config by id and answers the reference's 404 for unknown ids", async () => {
    const created = await create({ name: "get-me", dataType: "NUMERIC" });
    const response = await call("GET", `/score-configs/${created.id}`);
    expectReferenceResponse(GET, 200, response.json());
    expect(response.json()).toEqual(created);
    const missing = await call("GET", "/score-configs/nope");
    expect(missing.statusCode).toBe(404);
    expectReferenceResponse(GET, 404, missing.json());
    expect(missing.json()).toEqual(NOT_FOUND);
  });

  it("lists newest first and walks every page once", async () => {
    const own = await t.createProject();
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const response = await call("POST", "/score-configs", { body: { name: `c${i}`, dataType: "NUMERIC" }, authorization: own.basic });
      ids.push(response.json().id);
    }
    const all = (await call("GET", "/score-configs?limit=100", { authorization: own.basic })).json();
    expectReferenceResponse(LIST, 200, all);
    expect(all.meta).toEqual({ page: 1, limit: 100, totalItems: 7, totalPages: 1 });
    expect(new Set(all.data.map((config: { id: string }) => config.id))).toEqual(new Set(ids));
    const createdAt = all.data.map((config: { createdAt: string }) => config.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());

    const walked: string[] = [];
    for (let page = 1; page <= 4; page += 1) {
      const body = (await call("GET", `/score-configs?limit=2&page=${page}`, { authorization: own.basic })).json();
      expect(body.meta).toEqual({ page, limit: 2, totalItems: 7, totalPages: 4 });
      walked.push(...body.data.map((config: { id: string }) => config.id));
    }
    expect(walked).toEqual(all.data.map((config: { id: string }) => config.id));
  });

  it.each([
    ["?limit=101", "limit"],
    ["?page=0", "page"],
    ["?limit=abc", "limit"],
  ])("refuses the list query %s naming %s", async (query, parameter) => {
    const response = await call("GET", `/score-configs${query}`);
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error)).toContain(parameter);
  });

  it("patches a config, re-checking the merged result, and never changes the data type", async () => {
    const created = await create({ name: "patch-me", dataType: "NUMERIC", minValue: 0 });
    const patched = await call("PATCH", `/score-configs/${created.id}`, { body: { isArchived: true, name: "patched", maxValue: 10, description: "d", dataType: "TEXT" } });
    expect(patched.statusCode).toBe(200);
    expectReferenceResponse(PATCH, 200, patched.json());
    expect(patched.json()).toMatchObject({
      id: created.id,
      name: "patched",
      isArchived: true,
      dataType: "NUMERIC",
      minValue: 0,
      maxValue: 10,
      description: "d",
      createdAt: created.createdAt,
    });
    expect(Date.parse(patched.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect((await call("GET", `/score-configs/${created.id}`)).json()).toEqual(patched.json());

    const belowMin = await call("PATCH", `/score-configs/${created.id}`, { body: { maxValue: -1 } });
    expect(belowMin.statusCode).toBe(400);
    expect(belowMin.json()).toEqual({ message: "maxValue: maxValue must be greater than minValue", error: "InvalidRequestError" });
    const categories = await call("PATCH", `/score-configs/${created.id}`, { body: { categories: [{ label: "a", value: 1 }] } });
    expect(categories.json()).toMatchObject({ error: "InvalidRequestError", message: expect.stringContaining("categories") });

    const boolean = await create({ name: "bool", dataType: "BOOLEAN" });
    const relabel = await call("PATCH", `/score-configs/${boolean.id}`, {
      body: {
        categories: [
          { label: "Yes", value: 1 },
          { label: "No", value: 0 },
        ],
      },
    });
    expect(relabel.statusCode).toBe(400);
    const categorical = await create({ name: "cat", dataType: "CATEGORICAL", categories: [{ label: "a", value: 1 }] });
    const range = await call("PATCH", `/score-configs/${categorical.id}`, { body: { minValue: 0 } });
    expect(range.json()).toMatchObject({ error: "InvalidRequestError", message: expect.stringContaining("minValue") });
  });

  it.each([
    [{}, "empty"],
    [{ dataType: "TEXT" }, "empty"],
    [{ minValue: null }, "minValue"],
    [{ name: "no/slash" }, "name"],
    [{ isArchived: "yes" }, "isArchived"],
  ])("refuses the patch %j naming %s", async (body, named) => {
    const created = await create({ name: "patch-target", dataType: "NUMERIC" });
    const response = await call("PATCH", `/score-configs/${created.id}`, { body });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toContain(named);
  });

  it("answers 404 when patching an unknown config", async () => {
    const response = await call("PATCH", "/score-configs/nope", { body: { isArchived: true } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(NOT_FOUND);
  });

  it("keeps projects apart, and refuses the public key alone", async () => {
    const created = await create({ name: "private", dataType: "NUMERIC" });
    const other = await t.createProject();
    expect((await call("GET", `/score-configs/${created.id}`, { authorization: other.basic })).json()).toEqual(NOT_FOUND);
    expect((await call("PATCH", `/score-configs/${created.id}`, { authorization: other.basic, body: { isArchived: true } })).statusCode).toBe(404);
    expect((await call("GET", "/score-configs", { authorization: other.basic })).json().data).toEqual([]);
    expect((await call("GET", `/score-configs/${created.id}`)).json().isArchived).toBe(false);

    const bearer = await call("GET", "/score-configs", { authorization: `Bearer ${project.publicKey}` });
    expect(bearer.statusCode).toBe(403);
    expect(bearer.json()).toEqual({ message: "Access denied - insufficient permissions for this endpoint" });
  });
});
