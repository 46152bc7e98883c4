import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODELS, defaultModelId, ModelRepository } from "@wick/models";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { ISO_DATE } from "./support/expectations.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const LIST = { method: "GET", path: "/api/public/models" };
const CREATE = { method: "POST", path: "/api/public/models" };
const GET = { method: "GET", path: "/api/public/models/{id}" };
const DELETE = { method: "DELETE", path: "/api/public/models/{id}" };

const FLAT = { modelName: "my-gpt", matchPattern: "(?i)^(my-gpt)$", unit: "TOKENS", inputPrice: 0.000001, outputPrice: 0.000002 };

const TIERED = {
  modelName: "my-tiered",
  matchPattern: "(?i)^my-tiered$",
  unit: "TOKENS",
  startDate: "2025-03-01T12:00:00.000Z",
  tokenizerId: "openai",
  tokenizerConfig: { tokenizerModel: "gpt-4o", tokensPerMessage: 3, tokensPerName: 1 },
  pricingTiers: [
    { name: "Standard", isDefault: true, priority: 0, conditions: [], prices: { input: 0.000001, output: 0.000004 } },
    {
      name: " Large context ",
      isDefault: false,
      priority: 1,
      conditions: [{ usageDetailPattern: "^input", operator: "gt", value: 200000 }],
      prices: { input: 0.000002, output: 0.000008 },
    },
    {
      name: "Priority",
      isDefault: false,
      priority: 2,
      conditions: [{ source: "model_parameters", key: "service_tier", operator: "in", values: ["priority"] }],
      prices: { input: 0.000003, output: 0.000012 },
    },
  ],
};

describe.each(postgresModes())("models API (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
    await new ModelRepository(t.stores.postgres.db).syncManaged();
  });
  afterAll(async () => t?.close());

  const call = (method: "GET" | "POST" | "DELETE", url: string, options: { project?: TestProject; body?: unknown } = {}) =>
    t.app.inject({ method, url: `/api/public${url}`, headers: { authorization: (options.project ?? t.project).basic }, payload: options.body as object });

  it("lists the managed models, paginated, in name order", async () => {
    const project = await t.createProject();
    const response = await call("GET", "/models?page=2&limit=5", { project });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse(LIST, 200, body);
    expect(body.meta).toEqual({ page: 2, limit: 5, totalItems: DEFAULT_MODELS.length, totalPages: Math.ceil(DEFAULT_MODELS.length / 5) });
    expect(body.data).toHaveLength(5);
    expect(body.data.every((model: { isLangfuseManaged: boolean }) => model.isLangfuseManaged)).toBe(true);

    const all = (await call("GET", "/models?limit=100", { project })).json();
    const names = all.data.map((model: { modelName: string }) => model.modelName);
    expect(names).toEqual([...DEFAULT_MODELS.map((model) => model.modelName)].sort());
    expect(names.slice(5, 10)).toEqual(body.data.map((model: { modelName: string }) => model.modelName));
  });

  it("defaults to page 1 of 50, also for empty parameters", async () => {
    const body = (await call("GET", "/models?page=&limit=")).json();
    expect(body.meta).toMatchObject({ page: 1, limit: 50 });
    expect(body.data).toHaveLength(50);
    const beyond = (await call("GET", "/models?page=100")).json();
    expect(beyond.data).toEqual([]);
  });

  it.each(["limit=101", "limit=0", "page=0", "page=abc"])("rejects %s with 400", async (query) => {
    const response = await call("GET", `/models?${query}`);
    expect(response.statusCode).toBe(400);
    expectReferenceResponse(LIST, 400, response.json());
    expect(response.json().message).toBe("Invalid request data");
  });

  it("reads a managed model with its default-tier prices and all tiers", async () => {
    const response = await call("GET", `/models/${defaultModelId("gpt-4o")}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse(GET, 200, body);
    expect(body).toMatchObject({
      id: defaultModelId("gpt-4o"),
      modelName: "gpt-4o",
      startDate: null,
      unit: null,
      inputPrice: 0.0000025,
      outputPrice: 0.00001,
      totalPrice: null,
      tokenizerId: "openai",
      tokenizerConfig: { tokenizerModel: "gpt-4o", tokensPerMessage: 3, tokensPerName: 1 },
      isLangfuseManaged: true,
    });
    expect(body.prices.input_cached_tokens).toEqual({ price: 0.00000125 });
    expect(body.pricingTiers.map((tier: { name: string; priority: number }) => [tier.name, tier.priority])).toEqual([
      ["Standard", 0],
      ["Priority processing", 1],
    ]);
    expect(body.pricingTiers[1].conditions).toEqual([{ source: "model_parameters", key: "service_tier", operator: "in", values: ["priority"] }]);
  });

  it("creates a model from flat prices as one Standard tier", async () => {
    const project = await t.createProject();
    const response = await call("POST", "/models", { project, body: FLAT });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse(CREATE, 200, body);
    expect(body).toEqual({
      id: expect.any(String),
      modelName: "my-gpt",
      matchPattern: "(?i)^(my-gpt)$",
      startDate: null,
      unit: "TOKENS",
      inputPrice: 0.000001,
      outputPrice: 0.000002,
      totalPrice: null,
      tokenizerId: null,
      tokenizerConfig: null,
      isLangfuseManaged: false,
      createdAt: ISO_DATE,
      prices: { input: { price: 0.000001 }, output: { price: 0.000002 } },
      pricingTiers: [{ id: `${body.id}_tier_default`, name: "Standard", isDefault: true, priority: 0, conditions: [], prices: { input: 0.000001, output: 0.000002 } }],
    });
    const read = await call("GET", `/models/${body.id}`, { project });
    expect(read.json()).toEqual(body);
    const list = (await call("GET", "/models?limit=100", { project })).json();
    expect(list.meta.totalItems).toBe(DEFAULT_MODELS.length + 1);
    expect(list.data.find((model: { id: string }) => model.id === body.id)).toEqual(body);
  });

  it("creates a model with pricing tiers, a start date and a tokenizer", async () => {
    const response = await call("POST", "/models", { body: TIERED });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse(CREATE, 200, body);
    expect(body).toMatchObject({
      startDate: "2025-03-01T12:00:00.000Z",
      tokenizerId: "openai",
      tokenizerConfig: TIERED.tokenizerConfig,
      inputPrice: 0.000001,
      outputPrice: 0.000004,
      prices: { input: { price: 0.000001 }, output: { price: 0.000004 } },
    });
    expect(body.pricingTiers.map(({ id: _, ...tier }: { id: string }) => tier)).toEqual([
      TIERED.pricingTiers[0],
      { ...TIERED.pricingTiers[1], name: "Large context", conditions: [{ usageDetailPattern: "^input", operator: "gt", value: 200000, caseSensitive: false }] },
      TIERED.pricingTiers[2],
    ]);
  });

  it("accepts a start date as epoch milliseconds and a flat total price", async () => {
    const body = { modelName: "per-request", matchPattern: "^per-request$", unit: "REQUESTS", totalPrice: 0.01, startDate: Date.UTC(2024, 0, 1) };
    const response = await call("POST", "/models", { body });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ startDate: "2024-01-01T00:00:00.000Z", unit: "REQUESTS", totalPrice: 0.01, inputPrice: null, prices: { total: { price: 0.01 } } });
  });

  const tiersWith = (...tiers: object[]) => ({ ...TIERED, modelName: `invalid-${Math.random()}`, pricingTiers: tiers });
  const standard: Record<string, unknown> = TIERED.pricingTiers[0]!;
  const large: Record<string, unknown> = TIERED.pricingTiers[1]!;
  it.each([
    ["no unit", { modelName: "x", matchPattern: "^x$", inputPrice: 1 }],
    ["a lowercase unit", { ...FLAT, unit: "tokens" }],
    ["no matchPattern", { modelName: "x", unit: "TOKENS", inputPrice: 1 }],
    ["a negative price", { ...FLAT, inputPrice: -1 }],
    ["a tokenizer other than openai or claude", { ...FLAT, tokenizerId: "sentencepiece" }],
    ["an invalid start date", { ...FLAT, startDate: "yesterday" }],
    ["no prices at all", { modelName: "x", matchPattern: "^x$", unit: "TOKENS" }],
    ["flat prices and tiers", { ...TIERED, inputPrice: 1 }],
    ["a total price next to an input price", { ...FLAT, totalPrice: 0.1 }],
    ["two default tiers", tiersWith(standard, { ...large, isDefault: true })],
    ["no default tier", tiersWith(large)],
    ["a default tier with a priority", tiersWith({ ...standard, priority: 3 })],
    ["a default tier with conditions", tiersWith({ ...standard, conditions: large.conditions })],
    ["a conditional tier without conditions", tiersWith(standard, { ...large, conditions: [] })],
    ["duplicate priorities", tiersWith(standard, large, { ...large, name: "Other" })],
    ["duplicate names", tiersWith(standard, large, { ...large, priority: 2 })],
    ["a priority above 999", tiersWith(standard, { ...large, priority: 1000 })],
    ["a tier without prices", tiersWith(standard, { ...large, prices: {} })],
    ["tiers pricing different usage types", tiersWith(standard, { ...large, prices: { input: 1 } })],
    ["an empty tier name", tiersWith(standard, { ...large, name: "  " })],
    ["an invalid usage regex", tiersWith(standard, { ...large, conditions: [{ usageDetailPattern: "(", operator: "gt", value: 1 }] })],
    ["a catastrophic usage regex", tiersWith(standard, { ...large, conditions: [{ usageDetailPattern: "(a+)+$", operator: "gt", value: 1 }] })],
    ["an unknown operator", tiersWith(standard, { ...large, conditions: [{ usageDetailPattern: "^input", operator: "between", value: 1 }] })],
    ["a negative threshold", tiersWith(standard, { ...large, conditions: [{ usageDetailPattern: "^input", operator: "gt", value: -1 }] })],
    ["an attribute operator other than in", tiersWith(standard, { ...large, conditions: [{ source: "metadata", key: "k", operator: "eq", values: ["v"] }] })],
    ["an attribute condition without values", tiersWith(standard, { ...large, conditions: [{ source: "metadata", key: "k", operator: "in", values: [] }] })],
  ])("rejects a body with %s as invalid request data", async (_case, body) => {
    const response = await call("POST", "/models", { body });
    expect(response.statusCode).toBe(400);
    expectReferenceResponse(CREATE, 400, response.json());
    expect(response.json()).toMatchObject({ message: "Invalid request data", error: expect.any(Array) });
  });

  it("rejects a pattern Postgres cannot compile", async () => {
    const response = await call("POST", "/models", { body: { ...FLAT, modelName: "bad-pattern", matchPattern: "(?i)^(unclosed$" } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ message: "matchPattern is not a valid regex pattern (Postgres)", error: "InvalidRequestError" });
  });

  it("rejects a name the project already uses, but lets a project reuse a managed name", async () => {
    const project = await t.createProject();
    expect((await call("POST", "/models", { project, body: FLAT })).statusCode).toBe(200);
    const again = await call("POST", "/models", { project, body: { ...FLAT, matchPattern: "^other$" } });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ message: "Model name 'my-gpt' already exists in project", error: "InvalidRequestError" });
    const override = await call("POST", "/models", { project, body: { ...FLAT, modelName: "gpt-4o", matchPattern: "(?i)^gpt-4o$" } });
    expect(override.statusCode).toBe(200);
    expect(override.json().isLangfuseManaged).toBe(false);
  });

  it("answers 404 for an unknown model", async () => {
    const response = await call("GET", "/models/does-not-exist");
    expect(response.statusCode).toBe(404);
    expectReferenceResponse(GET, 404, response.json());
    expect(response.json()).toEqual({ message: "No model with this id found.", error: "LangfuseNotFoundError" });
  });

  it("deletes the project's own models only", async () => {
    const project = await t.createProject();
    const managed = await call("DELETE", `/models/${defaultModelId("gpt-4o")}`, { project });
    expect(managed.statusCode).toBe(404);
    expectReferenceResponse(DELETE, 404, managed.json());
    expect(managed.json()).toEqual({
      message: "No model with this id found. Note: You cannot delete built-in models, override them with a model with the same name.",
      error: "LangfuseNotFoundError",
    });

    const created = (await call("POST", "/models", { project, body: FLAT })).json();
    const deleted = await call("DELETE", `/models/${created.id}`, { project });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ message: "Model successfully deleted" });
    expect((await call("GET", `/models/${created.id}`, { project })).statusCode).toBe(404);
    expect((await call("DELETE", `/models/${created.id}`, { project })).statusCode).toBe(404);
  });

  it("keeps one project's models out of another's reach", async () => {
    const [owner, stranger] = [await t.createProject(), await t.createProject()];
    const created = (await call("POST", "/models", { project: owner, body: FLAT })).json();
    const list = (await call("GET", "/models?limit=100", { project: stranger })).json();
    expect(list.meta.totalItems).toBe(DEFAULT_MODELS.length);
    expect(list.data.some((model: { id: string }) => model.id === created.id)).toBe(false);
    expect((await call("GET", `/models/${created.id}`, { project: stranger })).statusCode).toBe(404);
    expect((await call("DELETE", `/models/${created.id}`, { project: stranger })).statusCode).toBe(404);
    expect((await call("POST", "/models", { project: stranger, body: FLAT })).statusCode).toBe(200);
    expect((await call("GET", `/models/${created.id}`, { project: owner })).statusCode).toBe(200);
  });

  it("requires a project key", async () => {
    const anonymous = await t.app.inject({ method: "GET", url: "/api/public/models" });
    expect(anonymous.statusCode).toBe(401);
    const bearer = await t.app.inject({ method: "GET", url: "/api/public/models", headers: { authorization: `Bearer ${t.project.publicKey}` } });
    expect(bearer.statusCode).toBe(403);
  });
});
