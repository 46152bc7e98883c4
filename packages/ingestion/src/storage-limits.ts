import type { ObservationRow } from "@wick/clickhouse";

/** Decimal64(12) holds about ±9.2 million; like Langfuse, costs are clamped well inside that. */
export const MAX_COST = 999_999.999999;

const clamp = (value: number) => Math.min(MAX_COST, Math.max(-MAX_COST, value));

function clampMap(map: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, clamp(value)]));
}

/**
 * Keeps an observation's costs inside what its ClickHouse columns hold. A value that does not fit
 * would fail the whole insert, and with it every request sharing the write round, again and again
 * each time the entity is merged.
 */
export function fitCostsToStorage(row: ObservationRow): void {
  row.provided_cost_details = clampMap(row.provided_cost_details);
  row.cost_details = clampMap(row.cost_details);
  if (row.total_cost !== null) row.total_cost = clamp(row.total_cost);
}
