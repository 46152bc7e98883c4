import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { models, type PostgresStore } from "@wick/postgres";
import { newTestProject, openTestPostgres, postgresModes } from "@wick/postgres/testing";
import { DEFAULT_MODELS, defaultModelId, ModelCatalog, ModelRepository, ModelValidationError, type DefaultModel, type NewModel } from "../src/index.ts";

const projectModel = (fields: Partial<NewModel> & Pick<NewModel, "modelName" | "matchPattern">): NewModel => ({
  startDate: null,
  unit: "TOKENS",
  tokenizerId: null,
  tokenizerConfig: null,
  pricingTiers: [{ name: "Standard", isDefault: true, priority: 0, conditions: [], prices: { input: 0.000001 } }],
  ...fields,
});

for (const mode of postgresModes()) {
  describe(`model catalog (${mode} Postgres)`, () => {
    let store: PostgresStore;
    const newProject = () => newTestProject(store, "models");

    beforeAll(async () => {
      store = await openTestPostgres(mode);
    });
    afterAll(async () => store?.close());

    it.each([
      ["gpt-4o", "gpt-4o"],
      ["GPT-4o", "gpt-4o"],
      ["openai/gpt-4o-2024-11-20", "gpt-4o"],
      ["gpt-4o-mini", "gpt-4o-mini"],
      ["gpt-4.1-nano-2025-04-14", "gpt-4.1-nano"],
      ["o4-mini", "o4-mini"],
      ["gpt-35-turbo", "gpt-3.5-turbo"],
      ["text-embedding-3-large", "text-embedding-3-large"],
      ["claude-3-5-sonnet-20241022", "claude-3-5-sonnet"],
      ["anthropic/claude-3.7-sonnet", "claude-3-7-sonnet"],
      ["us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4"],
      ["claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"],
      ["claude-haiku-4-5", "claude-haiku-4-5"],
      ["claude-opus-4-1-20250805", "claude-opus-4-1"],
      ["models/gemini-2.5-pro", "gemini-2.5-pro"],
      ["gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"],
      ["gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
      ["gemini-1.5-pro-002", "gemini-1.5-pro"],
      ["mistral-large-latest", "mistral-large"],
      ["bedrock/meta.llama3-3-70b-instruct-v1:0", "meta.llama3-3-70b-instruct"],
      ["llama-3.3-70b-versatile", "groq/llama-3.3-70b-versatile"],
      ["eu.amazon.nova-lite-v1:0", "amazon.nova-lite"],
      ["command-r-plus-08-2024", "command-r-plus"],
      ["deepseek-reasoner", "deepseek-reasoner"],
    ])("matches %s to the managed model %s", async (name, expected) => {
      const model = await new ModelCatalog(store.db).match(await newProject(), name);
      expect(model?.modelName).toBe(expected);
      expect(model?.projectId).toBeNull();
      expect(model?.pricingTiers.find((tier) => tier.isDefault)?.name).toBe("Standard");
    });

    it.each(["gpt-4o-turbo", "claude-sonnet-4-6", "gemini-2.5-pro-max", "my-own-model", ""])("matches nothing for %j", async (name) => {
      expect(await new ModelCatalog(store.db).match(await newProject(), name)).toBeUndefined();
    });

    it("returns tiers by priority with exact decimal prices", async () => {
      const model = await new ModelCatalog(store.db).match(await newProject(), "gemini-2.5-pro");
      expect(model?.id).toBe(defaultModelId("gemini-2.5-pro"));
      expect(model?.pricingTiers.map((tier) => [tier.name, tier.priority, tier.prices.input])).toEqual([
        ["Standard", 0, "0.00000125"],
        ["Long context (>200k input tokens)", 1, "0.0000025"],
      ]);
      expect(model?.pricingTiers[1]?.conditions).toEqual([{ usageDetailPattern: "^(input|prompt)", operator: "gt", value: 200_000, caseSensitive: false }]);
    });

    it("stores a created model's tiers and prices exactly, and reads them back through get, list and match", async () => {
      const [projectId, other] = [await newProject(), await newProject()];
      const catalog = new ModelCatalog(store.db);
      const condition = { usageDetailPattern: "^input", operator: "gt" as const, value: 1000, caseSensitive: false };
      const created = await catalog.create(
        projectId,
        projectModel({
          modelName: "tiered",
          matchPattern: "^tiered$",
          startDate: new Date("2025-05-01T10:00:00.123Z"),
          tokenizerId: "claude",
          pricingTiers: [
            { name: "Standard", isDefault: true, priority: 0, conditions: [], prices: { input: 0.000001, output: 2e-7 } },
            { name: "Big", isDefault: false, priority: 1, conditions: [condition], prices: { input: 0.000002, output: 4e-7 } },
          ],
        }),
      );
      expect(created).toMatchObject({ projectId, modelName: "tiered", startDate: new Date("2025-05-01T10:00:00.123Z"), unit: "TOKENS", tokenizerId: "claude" });
      expect(created.pricingTiers).toEqual([
        { id: `${created.id}_tier_default`, name: "Standard", isDefault: true, priority: 0, conditions: [], prices: { input: "0.000001", output: "0.0000002" } },
        { id: expect.any(String), name: "Big", isDefault: false, priority: 1, conditions: [condition], prices: { input: "0.000002", output: "0.0000004" } },
      ]);
      expect(await catalog.get(projectId, created.id)).toEqual(created);
      expect(await catalog.match(projectId, "tiered")).toEqual(created);
      const { models: page, total } = await catalog.list(projectId, { limit: 100, offset: 0 });
      expect(page.find((model) => model.id === created.id)).toEqual(created);
      expect(total).toBe((await catalog.list(other, { limit: 1, offset: 0 })).total + 1);
    });

    it("is case-sensitive unless the pattern starts with (?i)", async () => {
      const projectId = await newProject();
      const catalog = new ModelCatalog(store.db);
      await catalog.create(projectId, projectModel({ modelName: "strict", matchPattern: "^strict-model$" }));
      expect((await catalog.match(projectId, "strict-model"))?.modelName).toBe("strict");
      expect(await catalog.match(projectId, "STRICT-MODEL")).toBeUndefined();
    });

    it("puts a project's model before the managed one, for that project only", async () => {
      const [mine, other] = [await newProject(), await newProject()];
      const catalog = new ModelCatalog(store.db);
      const created = await catalog.create(mine, projectModel({ modelName: "gpt-4o", matchPattern: "(?i)^(openai/)?gpt-4o$" }));
      expect((await catalog.match(mine, "gpt-4o"))?.id).toBe(created.id);
      expect((await catalog.match(other, "gpt-4o"))?.id).toBe(defaultModelId("gpt-4o"));
    });

    it("prefers the newest start date, and a start date over none, whatever the observation time", async () => {
      const projectId = await newProject();
      const catalog = new ModelCatalog(store.db);
      const pattern = "(?i)^acme-llm$";
      await catalog.create(projectId, projectModel({ modelName: "acme-undated", matchPattern: pattern }));
      await catalog.create(projectId, projectModel({ modelName: "acme-2024", matchPattern: pattern, startDate: new Date("2024-01-01T00:00:00Z") }));
      await catalog.create(projectId, projectModel({ modelName: "acme-2030", matchPattern: pattern, startDate: new Date("2030-01-01T00:00:00Z") }));
      expect((await catalog.match(projectId, "ACME-LLM"))?.modelName).toBe("acme-2030");
    });

    it("answers several names with one query and caches the answers, misses included", async () => {
      const projectId = await newProject();
      const catalog = new ModelCatalog(store.db);
      const queries = vi.spyOn(store.db, "selectDistinctOn");
      try {
        const first = await catalog.matchMany(projectId, ["gpt-4o", "claude-3-haiku", "unknown", "gpt-4o"]);
        expect([...first].map(([name, model]) => [name, model?.modelName])).toEqual([
          ["gpt-4o", "gpt-4o"],
          ["claude-3-haiku", "claude-3-haiku"],
          ["unknown", undefined],
        ]);
        expect(queries).toHaveBeenCalledTimes(1);
        await catalog.matchMany(projectId, ["unknown", "gpt-4o", "o3"]);
        expect(queries).toHaveBeenCalledTimes(2);
        await catalog.matchMany(projectId, ["o3", "unknown", ""]);
        expect(queries).toHaveBeenCalledTimes(2);
      } finally {
        queries.mockRestore();
      }
    });

    it("serves cached matches until invalidated; its own writes invalidate", async () => {
      const projectId = await newProject();
      const catalog = new ModelCatalog(store.db);
      expect(await catalog.match(projectId, "cached-llm")).toBeUndefined();
      await store.db.insert(models).values({ id: randomUUID(), projectId, modelName: "cached-llm", matchPattern: "^cached-llm$" });
      expect(await catalog.match(projectId, "cached-llm")).toBeUndefined();
      catalog.invalidate(projectId);
      expect((await catalog.match(projectId, "cached-llm"))?.modelName).toBe("cached-llm");

      const created = await catalog.create(projectId, projectModel({ modelName: "gpt-4o", matchPattern: "(?i)^gpt-4o$" }));
      expect((await catalog.match(projectId, "gpt-4o"))?.id).toBe(created.id);
      expect(await catalog.delete(projectId, created.id)).toBe(true);
      expect((await catalog.match(projectId, "gpt-4o"))?.id).toBe(defaultModelId("gpt-4o"));
    });

    it("forgets matches after the TTL, so other instances' writes apply", async () => {
      const projectId = await newProject();
      const catalog = new ModelCatalog(store.db, { ttlMs: 0 });
      expect(await catalog.match(projectId, "late-llm")).toBeUndefined();
      await store.db.insert(models).values({ id: randomUUID(), projectId, modelName: "late-llm", matchPattern: "^late-llm$" });
      expect((await catalog.match(projectId, "late-llm"))?.modelName).toBe("late-llm");
    });

    it("refuses patterns Postgres cannot compile and names the project already uses", async () => {
      const projectId = await newProject();
      const catalog = new ModelCatalog(store.db);
      await expect(catalog.create(projectId, projectModel({ modelName: "bad", matchPattern: "(unclosed" }))).rejects.toEqual(
        new ModelValidationError("matchPattern is not a valid regex pattern (Postgres)"),
      );
      await catalog.create(projectId, projectModel({ modelName: "twice", matchPattern: "^twice$" }));
      await expect(catalog.create(projectId, projectModel({ modelName: "twice", matchPattern: "^again$" }))).rejects.toEqual(
        new ModelValidationError("Model name 'twice' already exists in project"),
      );
    });

    it("never deletes managed models or another project's", async () => {
      const [mine, other] = [await newProject(), await newProject()];
      const catalog = new ModelCatalog(store.db);
      const created = await catalog.create(mine, projectModel({ modelName: "private", matchPattern: "^private$" }));
      expect(await catalog.delete(other, created.id)).toBe(false);
      expect(await catalog.delete(mine, defaultModelId("gpt-4o"))).toBe(false);
      expect(await catalog.get(other, created.id)).toBeUndefined();
      expect((await catalog.get(other, defaultModelId("gpt-4o")))?.modelName).toBe("gpt-4o");
    });

    it("syncs managed models idempotently: updates changes, removes what is gone, leaves project models alone", async () => {
      const count = async () =>
        (await store.execute("select (select count(*) from models) as m, (select count(*) from pricing_tiers) as t, (select count(*) from prices) as p"))[0];
      const projectId = await newProject();
      await new ModelCatalog(store.db).create(projectId, projectModel({ modelName: "kept", matchPattern: "^kept$" }));
      const before = await count();
      await new ModelRepository(store.db).syncManaged();
      expect(await count()).toEqual(before);

      const gpt4o = DEFAULT_MODELS.find((model) => model.modelName === "gpt-4o")!;
      const changed: DefaultModel = { ...gpt4o, matchPattern: "(?i)^gpt-4o-renamed$", prices: { input: 3, output: 12 }, tiers: [] };
      await new ModelRepository(store.db).syncManaged([changed]);
      const catalog = new ModelCatalog(store.db);
      const model = await catalog.match(projectId, "gpt-4o-renamed");
      expect(model?.id).toBe(defaultModelId("gpt-4o"));
      expect(model?.pricingTiers.map((tier) => tier.prices)).toEqual([{ input: "0.000003", output: "0.000012" }]);
      expect(await catalog.match(projectId, "claude-3-haiku")).toBeUndefined();
      expect((await catalog.match(projectId, "kept"))?.projectId).toBe(projectId);

      await new ModelRepository(store.db).syncManaged();
      expect(await count()).toEqual(before);
    });
  });
}
