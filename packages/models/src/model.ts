/** Comparison of a usage sum against a threshold. */
export type PricingOperator = "gt" | "gte" | "lt" | "lte" | "eq" | "neq";

/** Passes when the usage values whose keys match the regex, summed, compare true with `value`. */
export interface UsageCondition {
  usageDetailPattern: string;
  operator: PricingOperator;
  value: number;
  caseSensitive?: boolean;
}

/** Passes when a top-level model parameter or metadata key holds one of `values`. */
export interface AttributeCondition {
  source: "model_parameters" | "metadata";
  key: string;
  operator: "in";
  values: string[];
}

export type PricingCondition = UsageCondition | AttributeCondition;

export interface PricingTier {
  id: string;
  name: string;
  isDefault: boolean;
  priority: number;
  conditions: PricingCondition[];
  /** USD per unit by usage type, as exact decimal text. */
  prices: Record<string, string>;
}

/** A model definition with its tiers (ordered by priority), as stored. */
export interface ModelDefinition {
  id: string;
  /** null for Wick-managed models, which every project sees. */
  projectId: string | null;
  modelName: string;
  matchPattern: string;
  startDate: Date | null;
  unit: string | null;
  tokenizerId: string | null;
  tokenizerConfig: unknown;
  createdAt: Date;
  pricingTiers: PricingTier[];
}
