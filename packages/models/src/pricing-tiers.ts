import type { AttributeCondition, PricingCondition, PricingTier, UsageCondition } from "./model.ts";

export type UsageDetails = Record<string, number>;

/**
 * What attribute conditions look at: the model parameters and metadata of the latest event that
 * carried usage. Undefined when no event in the merge carried usage; attribute conditions then fail.
 */
export interface TierAttributes {
  modelParameters?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
}

const COMPARE: Record<UsageCondition["operator"], (sum: number, value: number) => boolean> = {
  gt: (sum, value) => sum > value,
  gte: (sum, value) => sum >= value,
  lt: (sum, value) => sum < value,
  lte: (sum, value) => sum <= value,
  eq: (sum, value) => sum === value,
  neq: (sum, value) => sum !== value,
};

function usageConditionHolds(condition: UsageCondition, usage: UsageDetails): boolean {
  const compare = COMPARE[condition.operator];
  if (!compare || typeof condition.value !== "number") return false;
  let pattern: RegExp;
  try {
    pattern = new RegExp(condition.usageDetailPattern, condition.caseSensitive ? "" : "i");
  } catch {
    return false;
  }
  let sum = 0;
  for (const [key, units] of Object.entries(usage)) if (pattern.test(key)) sum += units;
  return compare(sum, condition.value);
}

function attributeConditionHolds(condition: AttributeCondition, attributes: TierAttributes | undefined): boolean {
  const source = condition.source === "model_parameters" ? attributes?.modelParameters : condition.source === "metadata" ? attributes?.metadata : undefined;
  if (condition.operator !== "in" || !source || typeof source !== "object" || !Object.hasOwn(source, condition.key)) return false;
  const value = source[condition.key];
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return false;
  return Array.isArray(condition.values) && condition.values.includes(String(value));
}

function conditionHolds(condition: PricingCondition, usage: UsageDetails, attributes: TierAttributes | undefined): boolean {
  // Conditions are stored JSON: anything that is not a well-formed condition never holds.
  if (condition === null || typeof condition !== "object") return false;
  if ("usageDetailPattern" in condition) return usageConditionHolds(condition, usage);
  if ("source" in condition) return attributeConditionHolds(condition, attributes);
  return false;
}

/**
 * The tier whose prices apply: the first conditional tier, by ascending priority, whose conditions
 * all hold, else the default tier. None when the model has no tiers or there is no usage to price.
 */
export function selectPricingTier(tiers: readonly PricingTier[], usage: UsageDetails, attributes: TierAttributes | undefined): PricingTier | undefined {
  if (tiers.length === 0 || Object.keys(usage).length === 0) return undefined;
  const conditional = tiers.filter((tier) => !tier.isDefault).sort((a, b) => a.priority - b.priority);
  const matched = conditional.find(
    (tier) => Array.isArray(tier.conditions) && tier.conditions.length > 0 && tier.conditions.every((condition) => conditionHolds(condition, usage, attributes)),
  );
  return matched ?? tiers.find((tier) => tier.isDefault);
}
