import { addDecimals, decimalToNumber, multiplyDecimals, parseDecimal, sumDecimals, type Decimal } from "./decimal.ts";
import type { ModelDefinition } from "./model.ts";
import { selectPricingTier, type TierAttributes, type UsageDetails } from "./pricing-tiers.ts";
import { countTokens } from "./tokenizers.ts";

/** What cost computation needs of a matched model. */
export type CostModel = Pick<ModelDefinition, "tokenizerId" | "tokenizerConfig" | "pricingTiers">;

export interface UsageAndCostInput {
  /** The merged provided usage map; normalised here. */
  providedUsageDetails: Record<string, unknown> | null | undefined;
  /** The merged provided cost map. */
  providedCostDetails: Record<string, unknown> | null | undefined;
  /** The matched model, if any. */
  model: CostModel | undefined;
  /** Stored input and output texts, for tokenisation. */
  input: string | null | undefined;
  output: string | null | undefined;
  level: string | null | undefined;
  tierAttributes?: TierAttributes;
}

export interface UsageAndCost {
  /** The provided usage after normalisation: what is stored as `provided_usage_details`. */
  providedUsageDetails: UsageDetails;
  usageDetails: UsageDetails;
  costDetails: Record<string, number>;
  /** null when there is no total (no prices, no model, or provided costs without one). */
  totalCost: number | null;
  pricingTier?: { id: string; name: string };
}

/** Provided usage as numbers: null, blank, non-numeric, infinite and negative values are dropped. */
export function normaliseUsageDetails(provided: Record<string, unknown> | null | undefined): UsageDetails {
  const usage: UsageDetails = {};
  for (const [key, value] of Object.entries(provided ?? {})) {
    if (typeof value !== "number" && (typeof value !== "string" || value.trim() === "")) continue;
    const units = Number(value);
    if (Number.isFinite(units) && units >= 0) usage[key] = units;
  }
  return usage;
}

function providedCosts(provided: Record<string, unknown> | null | undefined): Map<string, Decimal> {
  const costs = new Map<string, Decimal>();
  for (const [key, value] of Object.entries(provided ?? {})) {
    if (typeof value === "number" && Number.isFinite(value)) costs.set(key, parseDecimal(value));
  }
  return costs;
}

async function tokenise(model: CostModel, input: string | null | undefined, output: string | null | undefined): Promise<UsageDetails> {
  const [inputTokens, outputTokens] = await Promise.all([input == null ? undefined : countTokens(model, input), output == null ? undefined : countTokens(model, output)]);
  const usage: UsageDetails = {};
  if (inputTokens !== undefined) usage.input = inputTokens;
  if (outputTokens !== undefined) usage.output = outputTokens;
  if (inputTokens !== undefined || outputTokens !== undefined) usage.total = (inputTokens ?? 0) + (outputTokens ?? 0);
  return usage;
}

function withTotal(usage: UsageDetails): UsageDetails {
  if (Object.keys(usage).length === 0 || "total" in usage) return usage;
  return { ...usage, total: Object.values(usage).reduce((sum, units) => sum + units, 0) };
}

function toNumbers(costs: Map<string, Decimal>): Record<string, number> {
  return Object.fromEntries([...costs].map(([key, cost]) => [key, decimalToNumber(cost)]));
}

/** Provided costs are authoritative; a total is derived only from plain input/output costs. */
function fromProvidedCosts(costs: Map<string, Decimal>): Pick<UsageAndCost, "costDetails" | "totalCost"> {
  const given = costs.get("total");
  if (given) return { costDetails: toNumbers(costs), totalCost: decimalToNumber(given) };
  if (![...costs.keys()].every((key) => key === "input" || key === "output")) return { costDetails: toNumbers(costs), totalCost: null };
  const zero: Decimal = { units: 0n, scale: 0 };
  const total = addDecimals(costs.get("input") ?? zero, costs.get("output") ?? zero);
  return { costDetails: toNumbers(new Map([...costs, ["total", total]])), totalCost: decimalToNumber(total) };
}

/** price × units for every usage key the tier prices; the `total` price, if any, gives the total. */
function fromPrices(usage: UsageDetails, prices: Record<string, string>): Pick<UsageAndCost, "costDetails" | "totalCost"> {
  const costs = new Map<string, Decimal>();
  for (const [key, units] of Object.entries(usage)) {
    const price = prices[key];
    if (price !== undefined) costs.set(key, multiplyDecimals(parseDecimal(price), parseDecimal(units)));
  }
  if (costs.size === 0) return { costDetails: {}, totalCost: null };
  const total = costs.get("total") ?? sumDecimals(costs.values());
  costs.set("total", total);
  return { costDetails: toNumbers(costs), totalCost: decimalToNumber(total) };
}

/**
 * Final usage and cost of an observation from its merged provided maps and matched model:
 * tokenises when nothing was provided, picks the pricing tier, and prices usage exactly.
 */
export async function computeUsageAndCost(args: UsageAndCostInput): Promise<UsageAndCost> {
  const { model } = args;
  const providedUsageDetails = normaliseUsageDetails(args.providedUsageDetails);
  const costs = providedCosts(args.providedCostDetails);
  const shouldTokenise = model !== undefined && Object.keys(providedUsageDetails).length === 0 && costs.size === 0 && args.level !== "ERROR";
  const usageDetails = shouldTokenise ? await tokenise(model, args.input, args.output) : withTotal(providedUsageDetails);

  if (costs.size > 0) return { providedUsageDetails, usageDetails, ...fromProvidedCosts(costs) };
  const tier = model && selectPricingTier(model.pricingTiers, usageDetails, args.tierAttributes);
  if (!tier) return { providedUsageDetails, usageDetails, costDetails: {}, totalCost: null };
  return { providedUsageDetails, usageDetails, ...fromPrices(usageDetails, tier.prices), pricingTier: { id: tier.id, name: tier.name } };
}
