import { z } from "zod";
import { MetricsFilter } from "./filters.ts";
import { CommaListParam, DateTimeParam, LimitParam, PageMeta, PageParam } from "./query-params.ts";

export const MetricsViewsV1 = ["traces", "observations", "scores-numeric", "scores-categorical", "scores-boolean"] as const;
export const MetricsViewsV2 = ["observations", "scores-numeric", "scores-categorical", "scores-boolean"] as const;
export type MetricsView = (typeof MetricsViewsV1)[number];

export const MetricsAggregations = ["sum", "avg", "count", "max", "min", "p50", "p75", "p90", "p95", "p99", "histogram", "uniq"] as const;
export type MetricsAggregation = (typeof MetricsAggregations)[number];

export const MetricsGranularities = ["auto", "minute", "hour", "day", "week", "month"] as const;
export type MetricsGranularity = (typeof MetricsGranularities)[number];

/**
 * ISO 8601 with a time and a `Z` or `±HH:MM` zone; seconds and fractions optional, as the
 * reference's older zod accepted (`2025-01-01T00:00Z` included).
 */
const QueryTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, "Invalid ISO datetime: expected e.g. 2025-03-01T00:00:00Z")
  .refine((value) => !Number.isNaN(Date.parse(value)), "Invalid ISO datetime");

// Caps that no real query reaches; they keep hostile inputs from producing statements ClickHouse refuses.
const MAX_ITEMS = 100;

function metricsQuery<const Views extends readonly [string, ...string[]]>(views: Views) {
  return z
    .object({
      view: z.enum(views),
      dimensions: z
        .array(z.object({ field: z.string() }))
        .max(MAX_ITEMS)
        .default([]),
      metrics: z.array(z.object({ measure: z.string(), aggregation: z.enum(MetricsAggregations) })).max(MAX_ITEMS),
      filters: z.array(MetricsFilter).max(MAX_ITEMS).default([]),
      timeDimension: z
        .object({ granularity: z.enum(MetricsGranularities) })
        .nullable()
        .default(null),
      fromTimestamp: QueryTimestamp,
      toTimestamp: QueryTimestamp,
      orderBy: z
        .array(z.object({ field: z.string(), direction: z.enum(["asc", "desc"]) }))
        .max(MAX_ITEMS)
        .nullable()
        .default(null),
      config: z.object({ bins: z.number().int().min(1).max(100).optional(), row_limit: z.number().int().min(1).max(1000).optional() }).optional(),
    })
    .refine((query) => Date.parse(query.fromTimestamp) < Date.parse(query.toTimestamp), { message: "fromTimestamp must be before toTimestamp", path: ["fromTimestamp"] });
}

/** The decoded `query` parameter of `GET /api/public/metrics` (v1). */
export const MetricsQueryV1 = metricsQuery(MetricsViewsV1);
/** The decoded `query` parameter of `GET /api/public/v2/metrics`: v1's schema without the traces view. */
export const MetricsQueryV2 = metricsQuery(MetricsViewsV2);
export type MetricsQuery = z.infer<typeof MetricsQueryV1>;
/** A v2 query as a client writes it: fields with defaults may be left out. */
export type MetricsQueryV2Input = z.input<typeof MetricsQueryV2>;

const QUERY_DESCRIPTION =
  "URL-encoded JSON: {view, dimensions?: [{field}], metrics: [{measure, aggregation}], filters?: [{column, operator, value, type, key?}], " +
  "timeDimension?: {granularity}, fromTimestamp, toTimestamp, orderBy?: [{field, direction}], config?: {bins?, row_limit?}}";

export const MetricsQueryParams = z.object({ query: z.string().describe(QUERY_DESCRIPTION) });

const MetricsRows = z
  .array(z.record(z.string(), z.unknown()))
  .describe("One object per group: each dimension, then time_dimension, then `<aggregation>_<measure>`. Histograms are [lower, upper, height] triples.");

export const MetricsV2Response = z.object({ data: MetricsRows }).meta({ id: "MetricsV2Response" });
export type MetricsV2Response = z.infer<typeof MetricsV2Response>;
export const LegacyMetricsResponse = z.object({ data: MetricsRows }).meta({ id: "legacyMetricsResponse" });

// ---- GET /api/public/metrics/daily ---------------------------------------------------------------

export const DailyMetricsQuery = z.object({
  page: PageParam,
  limit: LimitParam,
  traceName: z.string().optional(),
  userId: z.string().optional(),
  tags: CommaListParam.describe("The trace must have all of these tags"),
  environment: CommaListParam,
  fromTimestamp: DateTimeParam.describe("Traces from this time (inclusive)"),
  toTimestamp: DateTimeParam.describe("Traces before this time (exclusive)"),
});
export type DailyMetricsQuery = z.infer<typeof DailyMetricsQuery>;

export const UsageByModel = z
  .object({
    model: z.string().nullable(),
    inputUsage: z.number(),
    outputUsage: z.number(),
    totalUsage: z.number(),
    countTraces: z.number(),
    countObservations: z.number(),
    totalCost: z.number(),
  })
  .meta({ id: "UsageByModel" });

export const DailyMetricsDetails = z
  .object({ date: z.string(), countTraces: z.number(), countObservations: z.number(), totalCost: z.number(), usage: z.array(UsageByModel) })
  .meta({ id: "DailyMetricsDetails" });

export const DailyMetrics = z.object({ data: z.array(DailyMetricsDetails), meta: PageMeta }).meta({ id: "DailyMetrics" });
export type DailyMetrics = z.infer<typeof DailyMetrics>;
export type DailyMetricsDetails = z.infer<typeof DailyMetricsDetails>;
