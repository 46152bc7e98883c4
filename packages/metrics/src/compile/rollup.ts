import { observationDayRollups } from "@wick/clickhouse";
import type { MetricsQuery } from "@wick/contracts";
import type { View } from "../model/index.ts";
import { quantileLevel } from "./aggregation.ts";
import type { Selection, SelectedMetric } from "./selection.ts";
import type { Granularity } from "./time.ts";

const DAY_MS = 86_400_000;

/** The most days one query reads from rollups: ten years of whole days. */
const MAX_ROLLUP_DAYS = 3_660;

/** Granularities whose buckets are whole days, so a day's rollup row falls in one bucket. */
const DAY_ALIGNED = new Set<Granularity | undefined>([undefined, "day", "week", "month"]);

/**
 * Whether the rollups can answer part of a query: a view that has them, only dimensions and
 * filters over the columns they group by, sums and counts of measures they sum, quantiles of
 * measures they keep quantile states of, and time buckets of whole days. Anything else reads the
 * raw rows.
 */
export function rollupsCanAnswer(view: View, query: MetricsQuery, selection: Selection, granularity: Granularity | undefined): boolean {
  if (!view.rollups || !DAY_ALIGNED.has(granularity)) return false;
  if (!selection.dimensions.every((d) => d.dimension.rollup)) return false;
  if (!selection.metrics.every(rolledUpMetric)) return false;
  return query.filters.every((filter) => {
    const named = view.dimensions.get(filter.column) ?? (filter.column.endsWith("Name") ? view.dimensions.get("name") : undefined);
    return named?.rollup === true;
  });
}

/**
 * How a metric combines partial aggregates of raw rows and of rollup rows: a sum of `rollup` over
 * rollup rows, or a quantile of `expr` (the measure over a raw row) whose rollup rows keep quantile
 * states in `states`.
 */
export type RolledUpMetric = { kind: "sum"; rollup: string } | { kind: "quantile"; expr: string; states: string; level: string };

/** A metric as the rollups answer it; undefined when they cannot. */
export function rolledUpMetric(metric: SelectedMetric): RolledUpMetric | undefined {
  const { measure, aggregation } = metric;
  if ((aggregation === "sum" || aggregation === "count") && measure.rollupSum !== undefined) {
    return { kind: "sum", rollup: aggregation === "count" ? observationDayRollups.ROWS : measure.rollupSum };
  }
  const level = quantileLevel(aggregation);
  if (level !== undefined && measure.rollupQuantiles !== undefined && observationDayRollups.quantiles.level(measure.rollupQuantiles, level) !== undefined) {
    return { kind: "quantile", expr: measure.sql, states: measure.rollupQuantiles, level };
  }
  return undefined;
}

/** The UTC days (`YYYY-MM-DD`) lying wholly inside the window, whose ends are both inclusive. */
export function wholeDays(fromMs: number, toMs: number): string[] {
  const first = Math.ceil(fromMs / DAY_MS) * DAY_MS;
  const days: string[] = [];
  for (let start = first; start + DAY_MS - 1 <= toMs && days.length <= MAX_ROLLUP_DAYS; start += DAY_MS) days.push(new Date(start).toISOString().slice(0, 10));
  return days.length > MAX_ROLLUP_DAYS ? [] : days;
}
