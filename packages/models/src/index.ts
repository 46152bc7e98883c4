export { ModelCatalog, type ModelCatalogOptions } from "./catalog.ts";
export { computeUsageAndCost, normaliseUsageDetails, type CostModel, type UsageAndCost, type UsageAndCostInput } from "./cost.ts";
export { DEFAULT_MODELS, type DefaultModel, type DefaultTier, type PricesPerMillion } from "./default-models.ts";
export type { AttributeCondition, ModelDefinition, PricingCondition, PricingOperator, PricingTier, UsageCondition } from "./model.ts";
export { ModelValidationError, type NewModel, type NewPricingTier } from "./model-writes.ts";
export { selectPricingTier, type TierAttributes, type UsageDetails } from "./pricing-tiers.ts";
export { defaultModelId } from "./managed-model-rows.ts";
export { ModelRepository } from "./model-repository.ts";
