import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { InvalidRequestError } from "@wick/errors";
import { models, prices, pricingTiers, type Database } from "@wick/postgres";
import { formatDecimal, parseDecimal } from "./decimal.ts";
import type { ModelDefinition, PricingTier } from "./model.ts";
import { findModel } from "./queries.ts";

export interface NewPricingTier extends Omit<PricingTier, "id" | "prices"> {
  /** USD per unit by usage type. */
  prices: Record<string, number>;
}

export interface NewModel {
  modelName: string;
  matchPattern: string;
  startDate: Date | null;
  unit: string | null;
  tokenizerId: string | null;
  tokenizerConfig: unknown;
  pricingTiers: NewPricingTier[];
}

/** A model write the reference refuses with a 400; the message is the reference's. */
export class ModelValidationError extends InvalidRequestError {}

// Postgres's SQLSTATE for a regex it cannot compile.
const INVALID_REGULAR_EXPRESSION = "2201B";

function sqlState(error: unknown): unknown {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code !== undefined) return code;
  }
  return undefined;
}

/** Whether Postgres can compile the pattern, checked the way matching will use it. */
export async function isValidPostgresRegex(db: Database, pattern: string): Promise<boolean> {
  try {
    await db.execute(sql`select 'test_string' ~ ${pattern}`);
    return true;
  } catch (error) {
    if (sqlState(error) === INVALID_REGULAR_EXPRESSION) return false;
    throw error;
  }
}

/** Inserts a project model with its tiers and prices; the default tier gets the id `<model>_tier_default`. */
export async function insertModel(db: Database, projectId: string, model: NewModel): Promise<ModelDefinition> {
  if (!(await isValidPostgresRegex(db, model.matchPattern))) throw new ModelValidationError("matchPattern is not a valid regex pattern (Postgres)");
  const id = randomUUID();
  await db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: models.id })
      .from(models)
      .where(and(eq(models.projectId, projectId), eq(models.modelName, model.modelName)))
      .limit(1);
    if (taken) throw new ModelValidationError(`Model name '${model.modelName}' already exists in project`);
    const { pricingTiers: tiers, ...columns } = model;
    await tx.insert(models).values({ id, projectId, ...columns });
    const tierRows = tiers.map(({ prices: _, ...tier }) => ({ ...tier, id: tier.isDefault ? `${id}_tier_default` : randomUUID(), modelId: id }));
    if (tierRows.length === 0) return;
    await tx.insert(pricingTiers).values(tierRows);
    const priceRows = tiers.flatMap((tier, index) =>
      Object.entries(tier.prices).map(([usageType, price]) => ({
        id: randomUUID(),
        modelId: id,
        pricingTierId: tierRows[index]!.id,
        usageType,
        price: formatDecimal(parseDecimal(price)),
      })),
    );
    if (priceRows.length > 0) await tx.insert(prices).values(priceRows);
  });
  return (await findModel(db, projectId, id))!;
}

/** Deletes a project's own model; managed and other projects' models are never touched. */
export async function deleteProjectModel(db: Database, projectId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(models)
    .where(and(eq(models.id, id), eq(models.projectId, projectId)))
    .returning({ id: models.id });
  return deleted.length > 0;
}
