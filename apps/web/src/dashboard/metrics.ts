import type { MetricsQueryV2Input } from "@wick/contracts";
import type { Granularity } from "./range.ts";

/**
 * The dashboard's questions as `GET /api/public/v2/metrics` queries, and the shaping of their rows
 * into what the charts draw. Rows are keyed `<aggregation>_<measure>`, with `time_dimension` for
 * the bucket (metrics.md §7.1); counts may come as numbers or as quoted integers (§7.2).
 */

export interface Window {
  from: Date;
  to: Date;
  granularity: Granularity;
}

export type MetricsRow = Record<string, unknown>;

/** Time series are long (a model × an hour each): well past the default of 100 rows. */
const SERIES_ROW_LIMIT = 1000;
const TOP_N = 10;

const base = (window: Window) => ({ view: "observations" as const, fromTimestamp: window.from.toISOString(), toTimestamp: window.to.toISOString() });
const generations = [{ type: "string" as const, column: "type", operator: "=" as const, value: "GENERATION" }];

export const dashboardQueries = {
  totals: (window: Window): MetricsQueryV2Input => ({
    ...base(window),
    metrics: [
      { measure: "totalCost", aggregation: "sum" },
      { measure: "count", aggregation: "count" },
      { measure: "traceId", aggregation: "uniq" },
      { measure: "totalTokens", aggregation: "sum" },
    ],
  }),
  costByModel: (window: Window): MetricsQueryV2Input => ({
    ...base(window),
    dimensions: [{ field: "providedModelName" }],
    metrics: [{ measure: "totalCost", aggregation: "sum" }],
    timeDimension: { granularity: window.granularity },
    config: { row_limit: SERIES_ROW_LIMIT },
  }),
  activity: (window: Window): MetricsQueryV2Input => ({
    ...base(window),
    metrics: [
      { measure: "traceId", aggregation: "uniq" },
      { measure: "count", aggregation: "count" },
    ],
    timeDimension: { granularity: window.granularity },
    config: { row_limit: SERIES_ROW_LIMIT },
  }),
  latencyByName: (window: Window): MetricsQueryV2Input => ({
    ...base(window),
    dimensions: [{ field: "name" }],
    metrics: [
      { measure: "latency", aggregation: "p50" },
      { measure: "latency", aggregation: "p95" },
    ],
    filters: generations,
    orderBy: [{ field: "p95_latency", direction: "desc" }],
    config: { row_limit: TOP_N },
  }),
  tokensByModel: (window: Window): MetricsQueryV2Input => ({
    ...base(window),
    dimensions: [{ field: "providedModelName" }],
    metrics: [
      { measure: "inputTokens", aggregation: "sum" },
      { measure: "outputTokens", aggregation: "sum" },
    ],
    filters: generations,
    orderBy: [{ field: "sum_inputTokens", direction: "desc" }],
    config: { row_limit: TOP_N },
  }),
  // userId has high cardinality: the reference takes it only as a top-N by a measure, descending.
  topUsers: (window: Window): MetricsQueryV2Input => ({
    ...base(window),
    dimensions: [{ field: "userId" }],
    metrics: [{ measure: "totalCost", aggregation: "sum" }],
    filters: [{ type: "null", column: "userId", operator: "is not null", value: "" }],
    orderBy: [{ field: "sum_totalCost", direction: "desc" }],
    config: { row_limit: TOP_N },
  }),
};

export type DashboardQuery = keyof typeof dashboardQueries;

/** A metric value as a number: null, missing and unparseable values count as nothing. */
export function numberOf(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : 0;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : 0;
  }
  return 0;
}

/**
 * Every bucket start in the window, oldest first, as the API spells `time_dimension`: hours as
 * ISO instants, days and weeks as dates (weeks start on Monday). Missing buckets are drawn as zero
 * rather than left out, so a quiet day shows as a gap in activity and not as a shorter axis.
 */
export function bucketsOf(window: Window): string[] {
  const start = new Date(window.from);
  if (window.granularity === "hour") start.setUTCMinutes(0, 0, 0);
  else start.setUTCHours(0, 0, 0, 0);
  if (window.granularity === "week") start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  const buckets: string[] = [];
  for (const at = start; at.getTime() <= window.to.getTime(); ) {
    buckets.push(window.granularity === "hour" ? `${at.toISOString().slice(0, 19)}Z` : at.toISOString().slice(0, 10));
    if (window.granularity === "hour") at.setUTCHours(at.getUTCHours() + 1);
    else at.setUTCDate(at.getUTCDate() + (window.granularity === "week" ? 7 : 1));
  }
  return buckets;
}

/** The API's bucket value in the spelling of `bucketsOf`, whatever precision it came with. */
function bucketKey(value: unknown, granularity: Granularity): string | undefined {
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) return undefined;
  const iso = new Date(time).toISOString();
  return granularity === "hour" ? `${iso.slice(0, 19)}Z` : iso.slice(0, 10);
}

export interface Series {
  name: string;
  values: number[];
}

/**
 * One series per value of `dimension` over the buckets, from rows of dimension × bucket. Rows
 * without a dimension value (observations without one, or the API's gap-filling rows) are left
 * out; series are ordered by their total, largest first.
 */
export function seriesByDimension(rows: MetricsRow[], dimension: string, metric: string, buckets: string[], granularity: Granularity): Series[] {
  const index = new Map(buckets.map((bucket, position) => [bucket, position]));
  const series = new Map<string, number[]>();
  for (const row of rows) {
    const name = row[dimension];
    const position = index.get(bucketKey(row.time_dimension, granularity) ?? "");
    if (typeof name !== "string" || name === "" || position === undefined) continue;
    const values = series.get(name) ?? buckets.map(() => 0);
    values[position]! += numberOf(row[metric]);
    series.set(name, values);
  }
  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  return [...series]
    .map(([name, values]) => ({ name, values }))
    .filter((entry) => total(entry.values) > 0)
    .sort((a, b) => total(b.values) - total(a.values));
}

/** Several metrics of rows without a dimension as series over the buckets. */
export function seriesOfMetrics(rows: MetricsRow[], metrics: Array<{ key: string; name: string }>, buckets: string[], granularity: Granularity): Series[] {
  const index = new Map(buckets.map((bucket, position) => [bucket, position]));
  const series = metrics.map(({ name }) => ({ name, values: buckets.map(() => 0) }));
  for (const row of rows) {
    const position = index.get(bucketKey(row.time_dimension, granularity) ?? "");
    if (position === undefined) continue;
    metrics.forEach(({ key }, which) => {
      series[which]!.values[position]! += numberOf(row[key]);
    });
  }
  return series;
}

export interface Bar {
  label: string;
  values: number[];
}

/** Rows of one dimension as labelled bars of the given metrics, in the API's order; rows without a label are left out. */
export function barsOf(rows: MetricsRow[], dimension: string, metrics: string[]): Bar[] {
  return rows
    .filter((row) => typeof row[dimension] === "string" && row[dimension] !== "")
    .map((row) => ({ label: row[dimension] as string, values: metrics.map((metric) => numberOf(row[metric])) }));
}
