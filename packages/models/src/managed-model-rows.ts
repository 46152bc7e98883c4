import { createHash } from "node:crypto";
import { formatDecimal, parseDecimal } from "./decimal.ts";
import type { DefaultModel } from "./default-models.ts";

/** Ids follow from the model name, so every start writes the same rows and restarts never duplicate. */
export function defaultModelId(modelName: string): string {
  return `wick_${createHash("sha256").update(modelName).digest("hex").slice(0, 24)}`;
}

const perUnit = (perMillion: number) => {
  const value = parseDecimal(perMillion);
  return formatDecimal({ units: value.units, scale: value.scale + 6 });
};

/** The model, tier and price rows of Wick-managed models (project NULL), with ids that never change between starts. */
export function managedModelRows(definitions: readonly DefaultModel[]) {
  const modelRows = [];
  const tierRows = [];
  const priceRows = [];
  for (const definition of definitions) {
    const modelId = defaultModelId(definition.modelName);
    modelRows.push({
      id: modelId,
      projectId: null,
      modelName: definition.modelName,
      matchPattern: definition.matchPattern,
      tokenizerId: definition.tokenizerId,
      tokenizerConfig: definition.tokenizerConfig,
    });
    const tiers = [{ name: "Standard", priority: 0, conditions: [], prices: definition.prices }, ...(definition.tiers ?? [])];
    for (const tier of tiers) {
      const isDefault = tier.priority === 0;
      const tierId = isDefault ? `${modelId}_tier_default` : `${modelId}_tier_${tier.priority}`;
      tierRows.push({ id: tierId, modelId, name: tier.name, isDefault, priority: tier.priority, conditions: tier.conditions });
      for (const [usageType, price] of Object.entries(tier.prices)) {
        priceRows.push({ id: `${tierId}_${usageType}`, modelId, pricingTierId: tierId, usageType, price: perUnit(price) });
      }
    }
  }
  return { modelRows, tierRows, priceRows };
}
