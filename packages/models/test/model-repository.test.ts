import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models, type PostgresStore } from "@wick/postgres";
import { newTestProject, openTestPostgres, postgresModes } from "@wick/postgres/testing";
import { DEFAULT_MODELS, defaultModelId, ModelRepository, ModelValidationError, type NewModel } from "../src/index.ts";

const standardTier = { name: "Standard", isDefault: true, priority: 0, conditions: [], prices: { input: 0.000001 } };

const newModel = (fields: Partial<NewModel> & Pick<NewModel, "modelName" | "matchPattern">): NewModel => ({
  startDate: null,
  unit: "TOKENS",
  tokenizerId: null,
  tokenizerConfig: null,
  pricingTiers: [standardTier],
  ...fields,
});

describe.each(postgresModes())("ModelRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let repository: ModelRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    repository = new ModelRepository(store.db);
  });
  afterAll(async () => store?.close());

  const newProject = () => newTestProject(store, "models");
  const rowCounts = async (modelId: string) =>
    (
      await store.execute(
        "select (select count(*) from models where id = $1)::int as models, (select count(*) from pricing_tiers where model_id = $1)::int as tiers, (select count(*) from prices where model_id = $1)::int as prices",
        [modelId],
      )
    )[0];

  describe("patterns", () => {
    it("reads patterns as Postgres does: POSIX classes and word boundaries match", async () => {
      const projectId = await newProject();
      await repository.createProjectModel(projectId, newModel({ modelName: "acme", matchPattern: String.raw`^acme[[:digit:]]+\M` }));
      const matched = await repository.matchNames(projectId, ["acme42", "acme42-x", "acmeX", "xacme42"]);
      expect([...matched.keys()].sort()).toEqual(["acme42", "acme42-x"]);
    });

    it("refuses a pattern JavaScript takes and Postgres cannot compile, storing nothing", async () => {
      const projectId = await newProject();
      const named = "^(?<family>gpt)-x$";
      expect(() => new RegExp(named)).not.toThrow();
      await expect(repository.createProjectModel(projectId, newModel({ modelName: "named", matchPattern: named }))).rejects.toEqual(
        new ModelValidationError("matchPattern is not a valid regex pattern (Postgres)"),
      );
      expect((await repository.listVisible(projectId, { limit: 1000, offset: 0 })).models.some((model) => model.projectId === projectId)).toBe(false);
    });

    it("binds model names as values: quotes, backslashes and regex characters in a name are plain text", async () => {
      const projectId = await newProject();
      const created = await repository.createProjectModel(projectId, newModel({ modelName: "quoted", matchPattern: String.raw`^it's \(beta\) \\ v1\.0$` }));
      const names = ["it's (beta) \\ v1.0", "it's (beta) \\ v1x0", "'); drop table models; --"];
      const matched = await repository.matchNames(projectId, names);
      expect(matched.get(names[0]!)?.id).toBe(created.id);
      expect(matched.has(names[1]!)).toBe(false);
      expect(matched.has(names[2]!)).toBe(false);
    });
  });

  describe("matching order", () => {
    it("puts an undated project model before a dated managed one", async () => {
      const projectId = await newProject();
      const pattern = "^precedence-llm$";
      await store.db
        .insert(models)
        .values({ id: `managed-${randomUUID()}`, projectId: null, modelName: `precedence-${randomUUID()}`, matchPattern: pattern, startDate: new Date("2030-01-01T00:00:00Z") });
      const own = await repository.createProjectModel(projectId, newModel({ modelName: "own", matchPattern: pattern }));
      expect((await repository.matchNames(projectId, ["precedence-llm"])).get("precedence-llm")?.id).toBe(own.id);
    });

    it("breaks a tie of project and start date by id, whatever the insertion order", async () => {
      const projectId = await newProject();
      const startDate = new Date("2025-01-01T00:00:00Z");
      for (const id of ["tie-b", "tie-a", "tie-c"]) {
        await store.db.insert(models).values({ id: `${projectId}-${id}`, projectId, modelName: id, matchPattern: "^tie-llm$", startDate });
      }
      expect((await repository.matchNames(projectId, ["tie-llm"])).get("tie-llm")?.id).toBe(`${projectId}-tie-a`);
    });
  });

  it("lists by name bytewise, then unit with none last, then the newest start date with none last", async () => {
    const projectId = await newProject();
    const row = (id: string, modelName: string, unit: string | null, startDate: string | null) => ({
      id: `${projectId}-${id}`,
      projectId,
      modelName,
      matchPattern: `^${id}$`,
      unit,
      startDate: startDate === null ? null : new Date(startDate),
    });
    await store.db
      .insert(models)
      .values([
        row("5", "zz-listed", null, null),
        row("4", "zz-listed", "TOKENS", null),
        row("2", "zz-listed", "TOKENS", "2024-01-01T00:00:00Z"),
        row("1", "zz-listed", "TOKENS", "2025-01-01T00:00:00Z"),
        row("3", "zz-listed", "REQUESTS", null),
        row("0", "ZZ-listed", null, null),
      ]);
    const { models: page, total } = await repository.listVisible(projectId, { limit: 1000, offset: 0 });
    expect(total).toBe(page.length);
    expect(page.every((model) => model.projectId === null || model.projectId === projectId)).toBe(true);
    expect(page.filter((model) => model.projectId === projectId).map((model) => model.id.slice(projectId.length + 1))).toEqual(["0", "3", "1", "2", "4", "5"]);
  });

  describe("writes", () => {
    it("stores a model with its tiers all or nothing: a failing tier leaves no model, and the name stays free", async () => {
      const projectId = await newProject();
      // Two default tiers get the same id, so the second tier insert fails after the model row went in.
      const twoDefaults = newModel({ modelName: "atomic", matchPattern: "^atomic$", pricingTiers: [standardTier, { ...standardTier, name: "Again", priority: 1 }] });
      await expect(repository.createProjectModel(projectId, twoDefaults)).rejects.toMatchObject({ cause: { code: "23505" } });
      expect(await repository.matchNames(projectId, ["atomic"])).toEqual(new Map());
      const created = await repository.createProjectModel(projectId, newModel({ modelName: "atomic", matchPattern: "^atomic$" }));
      expect(created.pricingTiers.map((tier) => tier.id)).toEqual([`${created.id}_tier_default`]);
    });

    it("deletes a model's tiers and prices with it", async () => {
      const projectId = await newProject();
      const created = await repository.createProjectModel(
        projectId,
        newModel({
          modelName: "cascade",
          matchPattern: "^cascade$",
          pricingTiers: [
            { ...standardTier, prices: { input: 1, output: 2 } },
            { name: "Big", isDefault: false, priority: 1, conditions: [{ usageDetailPattern: "^input", operator: "gt", value: 10 }], prices: { input: 3, output: 4 } },
          ],
        }),
      );
      expect(await rowCounts(created.id)).toEqual({ models: 1, tiers: 2, prices: 4 });
      expect(await repository.deleteProjectModel(projectId, created.id)).toBe(true);
      expect(await rowCounts(created.id)).toEqual({ models: 0, tiers: 0, prices: 0 });
    });
  });

  describe("managed models", () => {
    const updatedAt = async (table: "models" | "pricing_tiers" | "prices", id: string) =>
      ((await store.execute(`select updated_at from ${table} where id = $1`, [id]))[0]?.updated_at as Date | undefined)?.getTime();

    it("rewrites only the rows whose values changed", async () => {
      const gpt4o = defaultModelId("gpt-4o");
      const [modelBefore, inputBefore, outputBefore] = [
        await updatedAt("models", gpt4o),
        await updatedAt("prices", `${gpt4o}_tier_default_input`),
        await updatedAt("prices", `${gpt4o}_tier_default_output`),
      ];
      const changed = DEFAULT_MODELS.map((model) => (model.modelName === "gpt-4o" ? { ...model, prices: { ...model.prices, input: 99 } } : model));
      try {
        await repository.syncManaged(changed);
        expect(await updatedAt("models", gpt4o)).toBe(modelBefore);
        expect(await updatedAt("prices", `${gpt4o}_tier_default_output`)).toBe(outputBefore);
        expect(await updatedAt("prices", `${gpt4o}_tier_default_input`)).not.toBe(inputBefore);
        expect((await repository.findVisible("any-project", gpt4o))?.pricingTiers[0]?.prices.input).toBe("0.000099");
      } finally {
        await repository.syncManaged();
      }
    });

    it("removes every managed model when none are listed, and none of a project's", async () => {
      const projectId = await newProject();
      const own = await repository.createProjectModel(projectId, newModel({ modelName: "survivor", matchPattern: "^survivor$" }));
      try {
        await repository.syncManaged([]);
        const { models: visible, total } = await repository.listVisible(projectId, { limit: 1000, offset: 0 });
        expect(visible.filter((model) => model.projectId === null).map((model) => model.modelName)).toEqual([]);
        expect(visible.map((model) => model.id)).toContain(own.id);
        expect(total).toBe(visible.length);
      } finally {
        await repository.syncManaged();
      }
      expect((await repository.findVisible(projectId, defaultModelId("gpt-4o")))?.modelName).toBe("gpt-4o");
    });
  });
});
