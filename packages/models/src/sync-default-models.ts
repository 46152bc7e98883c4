import { createHash } from "node:crypto";
import { and, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { models, prices, pricingTiers, type Database } from "@wick/postgres";
import { formatDecimal, parseDecimal } from "./decimal.ts";
import { DEFAULT_MODELS, type DefaultModel } from "./default-models.ts";

// Any fixed 64-bit number; concurrent Wick instances starting at once sync one after the other.
const SYNC_LOCK_ID = 7_316_402_119;

/** Ids follow from the model name, so every start writes the same rows and restarts never duplicate. */
export function defaultModelId(modelName: string): string {
  return `wick_${createHash("sha256").update(modelName).digest("hex").slice(0, 24)}`;
}

const perUnit = (perMillion: number) => {
  const value = parseDecimal(perMillion);
  return formatDecimal({ units: value.units, scale: value.scale + 6 });
};

function rowsOf(definitions: readonly DefaultModel[]) {
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

/** `excluded.<column>` differs from the stored value: only real changes rewrite a row. */
const changed = (table: string, columns: string[]) =>
  sql.raw(`(${columns.map((c) => `"${table}"."${c}"`).join(", ")}) is distinct from (${columns.map((c) => `excluded."${c}"`).join(", ")})`);

/**
 * Makes the Wick-managed models (project NULL) exactly `definitions`: inserts new ones, updates
 * changed patterns, tokenizers, tiers and prices, and removes models, tiers and prices no longer
 * listed. Idempotent; run at start-up, before the catalog caches anything.
 */
export async function syncDefaultModels(db: Database, definitions: readonly DefaultModel[] = DEFAULT_MODELS): Promise<void> {
  const { modelRows, tierRows, priceRows } = rowsOf(definitions);
  const modelIds = modelRows.map((row) => row.id);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SYNC_LOCK_ID})`);
    await tx.delete(models).where(and(isNull(models.projectId), notInArray(models.id, modelIds)));
    if (modelRows.length === 0) return;
    await tx
      .insert(models)
      .values(modelRows)
      .onConflictDoUpdate({
        target: models.id,
        set: {
          modelName: sql`excluded.model_name`,
          matchPattern: sql`excluded.match_pattern`,
          tokenizerId: sql`excluded.tokenizer_id`,
          tokenizerConfig: sql`excluded.tokenizer_config`,
          updatedAt: sql`now()`,
        },
        setWhere: changed("models", ["model_name", "match_pattern", "tokenizer_id", "tokenizer_config"]),
      });
    await tx.delete(pricingTiers).where(and(inArray(pricingTiers.modelId, modelIds), notInArray(pricingTiers.id, tierRows.map((row) => row.id))));
    await tx
      .insert(pricingTiers)
      .values(tierRows)
      .onConflictDoUpdate({
        target: pricingTiers.id,
        set: { name: sql`excluded.name`, isDefault: sql`excluded.is_default`, conditions: sql`excluded.conditions`, updatedAt: sql`now()` },
        setWhere: changed("pricing_tiers", ["name", "is_default", "conditions"]),
      });
    await tx.delete(prices).where(and(inArray(prices.modelId, modelIds), notInArray(prices.id, priceRows.map((row) => row.id))));
    await tx
      .insert(prices)
      .values(priceRows)
      .onConflictDoUpdate({ target: prices.id, set: { price: sql`excluded.price`, updatedAt: sql`now()` }, setWhere: changed("prices", ["price"]) });
  });
}
