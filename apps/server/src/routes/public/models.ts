import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CreateModelRequest, ErrorResponse, Model, ModelDeleted, ModelParams, ModelsQuery, PaginatedModels, pageMeta } from "@wick/contracts";
import type { ModelCatalog, ModelDefinition, NewModel, NewPricingTier, PricingCondition } from "@wick/models";
import { NotFoundError } from "../../errors.ts";
import { projectIdOf } from "../../plugins/public-auth.ts";

const NOT_FOUND = "No model with this id found.";
const NOT_DELETABLE = "No model with this id found. Note: You cannot delete built-in models, override them with a model with the same name.";

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

const priceOf = (tier: ModelDefinition["pricingTiers"][number] | undefined, usageType: string) => {
  const price = tier?.prices[usageType];
  return price === undefined ? null : Number(price);
};

/** Usage conditions always state their case sensitivity in responses; stored ones may leave it out. */
function withCaseSensitivity(condition: PricingCondition): Model["pricingTiers"][number]["conditions"][number] {
  return "usageDetailPattern" in condition ? { ...condition, caseSensitive: condition.caseSensitive ?? false } : condition;
}

/** The reference's model object: flat prices and `prices` come from the default tier. */
function toModel(model: ModelDefinition): Model {
  const defaultTier = model.pricingTiers.find((tier) => tier.isDefault);
  return {
    id: model.id,
    modelName: model.modelName,
    matchPattern: model.matchPattern,
    startDate: model.startDate?.toISOString() ?? null,
    unit: model.unit as Model["unit"],
    inputPrice: priceOf(defaultTier, "input"),
    outputPrice: priceOf(defaultTier, "output"),
    totalPrice: priceOf(defaultTier, "total"),
    tokenizerId: model.tokenizerId,
    tokenizerConfig: model.tokenizerConfig ?? null,
    isLangfuseManaged: model.projectId === null,
    createdAt: model.createdAt.toISOString(),
    prices: Object.fromEntries(Object.entries(defaultTier?.prices ?? {}).map(([usageType, price]) => [usageType, { price: Number(price) }])),
    pricingTiers: model.pricingTiers.map((tier) => ({
      ...tier,
      conditions: tier.conditions.map(withCaseSensitivity),
      prices: Object.fromEntries(Object.entries(tier.prices).map(([usageType, price]) => [usageType, Number(price)])),
    })),
  };
}

/** Flat prices become the one default tier the reference creates for them, named "Standard". */
function flatPriceTier(body: CreateModelRequest): NewPricingTier {
  const flat = { input: body.inputPrice, output: body.outputPrice, total: body.totalPrice };
  const prices = Object.fromEntries(Object.entries(flat).filter((entry): entry is [string, number] => entry[1] != null));
  return { name: "Standard", isDefault: true, priority: 0, conditions: [], prices };
}

function toNewModel(body: CreateModelRequest): NewModel {
  return {
    modelName: body.modelName,
    matchPattern: body.matchPattern,
    startDate: body.startDate ?? null,
    unit: body.unit,
    tokenizerId: body.tokenizerId ?? null,
    tokenizerConfig: body.tokenizerConfig ?? null,
    pricingTiers: body.pricingTiers?.length ? body.pricingTiers : [flatPriceTier(body)],
  };
}

/** `/models`: the project's model definitions and prices, next to the Wick-managed ones. */
export const modelRoutes: FastifyPluginAsyncZod<{ services: { models: ModelCatalog } }> = async (app, { services }) => {
  const common = { tags: ["Models"] };

  app.get(
    "/models",
    {
      schema: {
        ...common,
        description: "Get all models: the project's own and the managed ones",
        operationId: "models_list",
        querystring: ModelsQuery,
        response: { 200: PaginatedModels, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { models, total } = await services.models.list(projectIdOf(request), { limit, offset: (page - 1) * limit });
      return { data: models.map(toModel), meta: pageMeta(page, limit, total) };
    },
  );

  app.post(
    "/models",
    {
      schema: { ...common, description: "Create a model", operationId: "models_create", body: CreateModelRequest, response: { 200: Model, ...errors } },
    },
    async (request) => toModel(await services.models.create(projectIdOf(request), toNewModel(request.body))),
  );

  app.get(
    "/models/:id",
    {
      schema: { ...common, description: "Get a model", operationId: "models_get", params: ModelParams, response: { 200: Model, ...errors } },
    },
    async (request) => {
      const model = await services.models.get(projectIdOf(request), request.params.id);
      if (!model) throw new NotFoundError(NOT_FOUND);
      return toModel(model);
    },
  );

  app.delete(
    "/models/:id",
    {
      schema: {
        ...common,
        description: "Delete a project's model. Managed models cannot be deleted; create one with the same modelName to override them.",
        operationId: "models_delete",
        params: ModelParams,
        response: { 200: ModelDeleted, ...errors },
      },
    },
    async (request) => {
      if (!(await services.models.delete(projectIdOf(request), request.params.id))) throw new NotFoundError(NOT_DELETABLE);
      return { message: "Model successfully deleted" };
    },
  );
};
