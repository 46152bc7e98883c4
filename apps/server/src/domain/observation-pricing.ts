import type { FoldedObservation, ObservationEnricher } from "@wick/ingestion";
import { computeUsageAndCost, type ModelCatalog, type ModelDefinition } from "@wick/models";
import type { ModelPrices } from "@wick/tracing-reads";

/**
 * Usage and cost of folded observations: the matched model (project models before Wick's own),
 * tokenisation when no usage was provided, and prices of the selected tier — recomputed on every
 * merge, so a price change applies to observations merged after it.
 */
export class ObservationPricing implements ObservationEnricher {
  constructor(private readonly catalog: ModelCatalog) {}

  async enrich(observations: FoldedObservation[]): Promise<void> {
    const byProject = new Map<string, Set<string>>();
    for (const { row } of observations) {
      if (!row.provided_model_name) continue;
      const names = byProject.get(row.project_id) ?? new Set<string>();
      names.add(row.provided_model_name);
      byProject.set(row.project_id, names);
    }
    const matches = new Map<string, Map<string, ModelDefinition | undefined>>();
    for (const [projectId, names] of byProject) matches.set(projectId, await this.catalog.matchMany(projectId, [...names]));

    await Promise.all(
      observations.map(async ({ row, tierAttributes }) => {
        const model = row.provided_model_name ? matches.get(row.project_id)?.get(row.provided_model_name) : undefined;
        const priced = await computeUsageAndCost({
          providedUsageDetails: row.provided_usage_details,
          providedCostDetails: row.provided_cost_details,
          model,
          input: row.input,
          output: row.output,
          level: row.level,
          tierAttributes,
        });
        row.internal_model_id = model?.id ?? null;
        row.provided_usage_details = priced.providedUsageDetails;
        row.usage_details = priced.usageDetails;
        row.cost_details = priced.costDetails;
        row.total_cost = priced.totalCost;
        row.usage_pricing_tier_id = priced.pricingTier?.id ?? null;
        row.usage_pricing_tier_name = priced.pricingTier?.name ?? null;
      }),
    );
  }
}

/** The default-tier unit prices the v1 observation views show for a matched model. */
export function defaultTierPrices(catalog: ModelCatalog) {
  return async (projectId: string, modelIds: string[]): Promise<Map<string, ModelPrices>> => {
    const prices = new Map<string, ModelPrices>();
    for (const id of modelIds) {
      const model = await catalog.get(projectId, id);
      const tier = model?.pricingTiers.find((candidate) => candidate.isDefault);
      if (!tier) continue;
      const price = (usageType: string) => (tier.prices[usageType] === undefined ? null : Number(tier.prices[usageType]));
      prices.set(id, { input: price("input"), output: price("output"), total: price("total") });
    }
    return prices;
  };
}
