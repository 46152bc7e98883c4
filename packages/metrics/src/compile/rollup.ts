import { observationDayRollups, type RollupTable } from "@wick/clickhouse";
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

/** The rollup tables in the order a query tries them: the group rollups keep more measures. */
const ROLLUP_TABLES: readonly RollupTable[] = ["groups", "users"];

/** The dimension a filter column names: a `…Name` column the view lacks filters on `name`. */
const filteredDimension = (view: View, column: string) => view.dimensions.get(column) ?? (column.endsWith("Name") ? view.dimensions.get("name") : undefined);

/**
 * Which rollup table can answer part of a query, if any: one that groups by every dimension and
 * filter column, of a view that has rollups, with sums and counts of measures it sums, quantiles
 * of measures it keeps quantile states of, and time buckets of whole days. Otherwise the query
 * reads the raw rows.
 */
export function rollupTableFor(view: View, query: MetricsQuery, selection: Selection, granularity: Granularity | undefined): RollupTable | undefined {
  if (!view.rollups || !DAY_ALIGNED.has(granularity)) return undefined;
  return ROLLUP_TABLES.find(
    (table) =>
      selection.dimensions.every((d) => d.dimension.rollup?.[table]) &&
      selection.metrics.every((metric) => rolledUpMetric(metric, table)) &&
      query.filters.every((filter) => filteredDimension(view, filter.column)?.rollup?.[table]),
  );
}

/**
 * The view as read over the rows of a rollup table (alias `o`): its dimensions that table groups
 * by, each as it reads there. Filters compiled against it apply to those rows.
 */
export function overRollupRows(view: View, table: RollupTable): View {
  const dimensions = [...view.dimensions].flatMap(([name, dimension]) => {
    const overRows = dimension.rollup?.[table];
    return overRows ? [[name, overRows === true ? dimension : overRows] as const] : [];
  });
  return { ...view, dimensions: new Map(dimensions) };
}

/**
 * How a metric combines partial aggregates of raw rows and of rollup rows: a sum of `rollup` over
 * rollup rows, or a quantile of `expr` (the measure over a raw row) whose rollup rows keep quantile
 * states in `states`.
 */
export type RolledUpMetric = { kind: "sum"; rollup: string } | { kind: "quantile"; expr: string; states: string; level: string };

/** A metric as the rows of a rollup table answer it; undefined when they cannot. */
export function rolledUpMetric(metric: SelectedMetric, table: RollupTable): RolledUpMetric | undefined {
  const { measure, aggregation } = metric;
  if ((aggregation === "sum" || aggregation === "count") && measure.rollupSum !== undefined) {
    return { kind: "sum", rollup: aggregation === "count" ? observationDayRollups.ROWS : measure.rollupSum };
  }
  const level = quantileLevel(aggregation);
  if (table === "groups" && level !== undefined && measure.rollupQuantiles !== undefined && observationDayRollups.quantiles.level(measure.rollupQuantiles, level) !== undefined) {
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
