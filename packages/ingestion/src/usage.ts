type LegacyUsage = {
  input?: number | null;
  output?: number | null;
  total?: number | null;
  inputCost?: number | null;
  outputCost?: number | null;
  totalCost?: number | null;
};

const present = (value: number | null | undefined): value is number => value !== null && value !== undefined;

/**
 * The usage an event provides, from the legacy `usage` object and `usageDetails` (whose keys win).
 * A total is derived from input/output only when `usageDetails` says nothing.
 */
export function providedUsageDetails(usage: LegacyUsage | null | undefined, usageDetails: Record<string, number> | undefined): Record<string, number> {
  const provided: Record<string, number> = {};
  if (usage) {
    if (present(usage.input)) provided.input = usage.input;
    if (present(usage.output)) provided.output = usage.output;
    if (usage.total) {
      provided.total = usage.total;
    } else if (!usageDetails || Object.keys(usageDetails).length === 0) {
      const total = usage.input && usage.output ? usage.input + usage.output : (usage.input ?? usage.output);
      if (present(total)) provided.total = total;
    }
  }
  return { ...provided, ...usageDetails };
}

/** The costs an event provides: the legacy cost fields as input/output/total, then `costDetails` over them. */
export function providedCostDetails(usage: LegacyUsage | null | undefined, costDetails: Record<string, number> | undefined): Record<string, number> {
  const provided: Record<string, number> = {};
  if (usage) {
    if (present(usage.inputCost)) provided.input = usage.inputCost;
    if (present(usage.outputCost)) provided.output = usage.outputCost;
    if (present(usage.totalCost)) provided.total = usage.totalCost;
  }
  return { ...provided, ...costDetails };
}
