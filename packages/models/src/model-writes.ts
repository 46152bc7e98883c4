import { randomUUID } from "node:crypto";
import { InvalidRequestError } from "@wick/errors";
import { formatDecimal, parseDecimal } from "./decimal.ts";
import type { PricingTier } from "./model.ts";

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

/** Whether the error is Postgres refusing to compile a regex. */
export function isInvalidRegexError(error: unknown): boolean {
  return sqlState(error) === INVALID_REGULAR_EXPRESSION;
}

/** The rows of a new project model's tiers and their prices; the default tier gets the id `<model>_tier_default`. */
export function pricingRowsOf(modelId: string, tiers: NewPricingTier[]) {
  const tierRows = tiers.map(({ prices: _, ...tier }) => ({ ...tier, id: tier.isDefault ? `${modelId}_tier_default` : randomUUID(), modelId }));
  const priceRows = tiers.flatMap((tier, index) =>
    Object.entries(tier.prices).map(([usageType, price]) => ({
      id: randomUUID(),
      modelId,
      pricingTierId: tierRows[index]!.id,
      usageType,
      price: formatDecimal(parseDecimal(price)),
    })),
  );
  return { tierRows, priceRows };
}
