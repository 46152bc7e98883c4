import { z } from "zod";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

export const ModelUsageUnit = z.enum(["CHARACTERS", "TOKENS", "MILLISECONDS", "SECONDS", "IMAGES", "REQUESTS"]).meta({ id: "ModelUsageUnit" });
export const PricingTierOperator = z.enum(["gt", "gte", "lt", "lte", "eq", "neq"]).meta({ id: "PricingTierOperator" });
export const PricingTierAttributeSource = z.enum(["model_parameters", "metadata"]).meta({ id: "PricingTierAttributeSource" });

// ---- Responses ------------------------------------------------------------------------------

export const PricingTierUsageCondition = z
  .object({
    usageDetailPattern: z.string().describe("Regex matched against usage detail keys"),
    operator: PricingTierOperator,
    value: z.number().describe("Threshold for the summed matching usage values"),
    caseSensitive: z.boolean(),
  })
  .meta({ id: "PricingTierUsageCondition" });

export const PricingTierAttributeCondition = z
  .object({
    source: PricingTierAttributeSource,
    key: z.string().describe("Exact top-level attribute key"),
    operator: z.literal("in"),
    values: z.array(z.string()).describe("Accepted values"),
  })
  .meta({ id: "PricingTierAttributeCondition" });

export const PricingTierCondition = z.union([PricingTierUsageCondition, PricingTierAttributeCondition]).meta({ id: "PricingTierCondition" });

export const PricingTier = z
  .object({
    id: z.string(),
    name: z.string(),
    isDefault: z.boolean(),
    priority: z.number().int().describe("Lower is evaluated first; the default tier has 0"),
    conditions: z.array(PricingTierCondition).describe("All must hold for the tier to apply"),
    prices: z.record(z.string(), z.number()).describe("USD per unit by usage type"),
  })
  .meta({ id: "PricingTier" });

export const ModelPrice = z.object({ price: z.number() }).meta({ id: "ModelPrice" });

export const Model = z
  .object({
    id: z.string(),
    modelName: z.string(),
    matchPattern: z.string().describe("Postgres regex matched against an observation's model name, e.g. `(?i)^my-model$`"),
    startDate: z.iso.datetime().nullable(),
    unit: ModelUsageUnit.nullable(),
    inputPrice: z.number().nullable().describe("Deprecated: the default tier's `input` price"),
    outputPrice: z.number().nullable().describe("Deprecated: the default tier's `output` price"),
    totalPrice: z.number().nullable().describe("Deprecated: the default tier's `total` price"),
    tokenizerId: z.string().nullable(),
    tokenizerConfig: z.unknown(),
    isLangfuseManaged: z.boolean().describe("True for the models the server manages for every project"),
    createdAt: z.iso.datetime(),
    prices: z.record(z.string(), ModelPrice).describe("Deprecated: the default tier's prices by usage type"),
    pricingTiers: z.array(PricingTier),
  })
  .meta({ id: "Model" });

export const PaginatedModels = z
  .object({
    data: z.array(Model),
    meta: PageMeta,
  })
  .meta({ id: "PaginatedModels" });

export const ModelDeleted = z.object({ message: z.string() });

// ---- Requests -------------------------------------------------------------------------------

export const ModelsQuery = z.object({
  page: PageParam.describe("Page number, from 1"),
  limit: LimitParam.describe("Items per page, 1–100"),
});

export const ModelParams = z.object({ id: z.string() });

/**
 * Star height above one — a quantified group that holds a quantifier, like `(a+)+` — is what makes
 * a backtracking engine take exponential time; such patterns are refused.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,?\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\d*\})/;

function isUsableJsRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
  } catch {
    return false;
  }
  return !NESTED_QUANTIFIER.test(pattern);
}

const UsageConditionInput = z.object({
  usageDetailPattern: z.string().min(1).max(200).refine(isUsableJsRegex, "usageDetailPattern must be a valid regex that cannot backtrack catastrophically"),
  operator: PricingTierOperator,
  value: z.number().min(0),
  caseSensitive: z.boolean().default(false),
});

const AttributeConditionInput = z.object({
  source: PricingTierAttributeSource,
  key: z.string().min(1).max(200),
  operator: z.literal("in"),
  values: z.array(z.string().min(1)).min(1),
});

const PricingTierInput = z.object({
  name: z.string().trim().min(1).max(100),
  isDefault: z.boolean(),
  priority: z.number().int().min(0).max(999),
  conditions: z.array(z.union([UsageConditionInput, AttributeConditionInput])),
  prices: z.record(z.string(), z.number().min(0)).refine((prices) => Object.keys(prices).length > 0, "Every pricing tier needs at least one price"),
});

type PricingTierInput = z.infer<typeof PricingTierInput>;

const sameKeys = (a: Record<string, number>, b: Record<string, number>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b);
};

/** The reference's tier rules: one default tier as the fallback, and no ambiguity among the others. */
function tierProblems(tiers: PricingTierInput[]): string[] {
  const problems: string[] = [];
  const defaults = tiers.filter((tier) => tier.isDefault);
  if (defaults.length !== 1) problems.push("Exactly one pricing tier must be the default (isDefault: true)");
  const fallback = defaults[0];
  if (fallback && (fallback.priority !== 0 || fallback.conditions.length > 0)) problems.push("The default pricing tier must have priority 0 and no conditions");
  if (tiers.some((tier) => !tier.isDefault && tier.conditions.length === 0)) problems.push("Every non-default pricing tier needs at least one condition");
  if (new Set(tiers.map((tier) => tier.priority)).size !== tiers.length) problems.push("Pricing tier priorities must be unique");
  if (new Set(tiers.map((tier) => tier.name)).size !== tiers.length) problems.push("Pricing tier names must be unique");
  if (fallback && tiers.some((tier) => !sameKeys(tier.prices, fallback.prices))) problems.push("Every pricing tier must price the same usage types as the default tier");
  return problems;
}

export const CreateModelRequest = z
  .object({
    modelName: z.string().describe("Name of the model definition; reuse a managed model's name to override it"),
    matchPattern: z.string().describe("Postgres regex matched against an observation's model name, e.g. `(?i)^my-model$`"),
    startDate: z.coerce.date().nullish().describe("ISO 8601 date-time or epoch milliseconds; among models matching a name, the newest start date wins"),
    unit: ModelUsageUnit,
    inputPrice: z.number().min(0).nullish(),
    outputPrice: z.number().min(0).nullish(),
    totalPrice: z.number().min(0).nullish(),
    tokenizerId: z.enum(["openai", "claude"]).nullish(),
    tokenizerConfig: z.unknown().optional(),
    pricingTiers: z.array(PricingTierInput).nullish().describe("Use instead of the flat prices; exactly one default tier"),
  })
  .superRefine((body, ctx) => {
    const hasFlatPrices = body.inputPrice != null || body.outputPrice != null || body.totalPrice != null;
    const hasTiers = (body.pricingTiers?.length ?? 0) > 0;
    if (hasFlatPrices === hasTiers) {
      ctx.addIssue({ code: "custom", path: ["pricingTiers"], message: "Provide either flat prices (inputPrice/outputPrice/totalPrice) or pricingTiers, not both and not neither" });
    }
    if ((body.inputPrice || body.outputPrice) && body.totalPrice) {
      ctx.addIssue({ code: "custom", path: ["totalPrice"], message: "totalPrice cannot be set together with inputPrice or outputPrice" });
    }
    for (const message of hasTiers ? tierProblems(body.pricingTiers!) : []) ctx.addIssue({ code: "custom", path: ["pricingTiers"], message });
  })
  .meta({ id: "CreateModelRequest" });

export type Model = z.infer<typeof Model>;
export type PaginatedModels = z.infer<typeof PaginatedModels>;
export type CreateModelRequest = z.infer<typeof CreateModelRequest>;
