import type { MetricsAggregation } from "@wick/contracts";
import { MetricsQueryError } from "../errors.ts";
import type { MeasureType } from "../model/index.ts";

const QUANTILES: Partial<Record<MetricsAggregation, string>> = { p50: "0.5", p75: "0.75", p90: "0.9", p95: "0.95", p99: "0.99" };

/** What string measures (ids) can be aggregated with. */
const STRING_AGGREGATIONS: MetricsAggregation[] = ["count", "uniq"];

export const DEFAULT_HISTOGRAM_BINS = 10;

/** The level of a quantile aggregation (`p95` → `0.95`); undefined for other aggregations. */
export const quantileLevel = (aggregation: MetricsAggregation): string | undefined => QUANTILES[aggregation];

export function assertAggregationValid(measure: string, type: MeasureType, aggregation: MetricsAggregation): void {
  if (type === "string" && !STRING_AGGREGATIONS.includes(aggregation)) {
    throw new MetricsQueryError(`Aggregation "${aggregation}" is not valid for measure "${measure}" (type: ${type}). Valid aggregations: ${STRING_AGGREGATIONS.join(", ")}`);
  }
}

/**
 * The aggregate of a per-row expression. `count` counts non-NULL values, quantiles are ClickHouse's
 * reservoir `quantile` (exact with interpolation below 8192 values), `uniq` its approximate
 * distinct count. `bins` is a validated integer, the only value placed in the SQL text.
 */
export function aggregateSql(aggregation: MetricsAggregation, expr: string, bins: number): string {
  const quantile = quantileLevel(aggregation);
  if (quantile) return `quantile(${quantile})(${expr})`;
  if (aggregation === "histogram") {
    if (!Number.isInteger(bins) || bins < 1 || bins > 100) throw new MetricsQueryError("config.bins must be an integer between 1 and 100");
    return `histogram(${bins})(toFloat64(${expr}))`;
  }
  return `${aggregation}(${expr})`;
}
