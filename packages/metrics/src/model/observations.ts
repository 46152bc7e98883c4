import { observationMeasures, promptVersionAndMonth, toolDimensions } from "./observation-measures.ts";
import { scoresPerObservation, traceLookup, v1TraceDimensions } from "./relations.ts";
import { observationColumns, observationDayRollups, observations } from "@wick/clickhouse";
import { defineView, emptyAsNull, nonEmpty, type Measure } from "./types.ts";

const TABLE = { table: observations, alias: "o" } as const;

/** v1: the stored columns as they are (NULL stays NULL); trace attributes through an INNER, windowed trace join. */
export const observationsV1 = defineView({
  name: "observations",
  ...TABLE,
  dimensions: {
    id: { sql: "o.id", type: "string" },
    traceId: { sql: "o.trace_id", type: "string" },
    environment: { sql: "o.environment", type: "string" },
    parentObservationId: { sql: "o.parent_observation_id", type: "string" },
    type: { sql: "o.type", type: "string" },
    name: { sql: "o.name", type: "string" },
    level: { sql: "o.level", type: "string" },
    version: { sql: "o.version", type: "string" },
    providedModelName: { sql: "o.provided_model_name", type: "string" },
    promptName: { sql: "o.prompt_name", type: "string" },
    ...promptVersionAndMonth,
    ...toolDimensions,
    ...v1TraceDimensions,
  },
  measures: {
    ...observationMeasures,
    totalCost: { sql: "o.total_cost", type: "decimal" },
  },
  relations: {
    trace: traceLookup("o.trace_id", { join: "INNER", windowed: true }),
    scores: scoresPerObservation,
  },
});

const OBSERVATION = observationColumns("o");
const IS_ROOT = OBSERVATION.isRoot;

/** A dimension the group rollups (and only they) group by, under the observation's column names. */
const GROUPS = { groups: true } as const;

/**
 * A measure whose expression, read over a day rollup row (whose maps and `total_cost` are sums of
 * the observations'), gives the sum of its values: it adds map entries by key, or is the column.
 */
const summed = (measure: Measure): Measure => ({ ...measure, rollupSum: measure.sql });

/**
 * The shared measures the day rollups can answer: sums (`count` sums to the rows each rollup row
 * stands for), and the quantiles of latency.
 */
const rolledUpMeasures: Record<string, Measure> = {
  count: { ...observationMeasures.count!, rollupSum: "o.rows" },
  ...Object.fromEntries((["inputTokens", "outputTokens", "totalTokens", "inputCost", "outputCost"] as const).map((name) => [name, summed(observationMeasures[name]!)])),
  latency: { ...observationMeasures.latency!, rollupQuantiles: observationDayRollups.LATENCY_QUANTILES },
};

/**
 * v2: the reference reads a denormalized events table. Here the observation row is joined to its
 * trace's current row (LEFT, unwindowed), which gives the same values: trace attributes of an
 * observation without a trace row are empty, never a reason to drop it.
 */
export const observationsV2 = defineView({
  name: "observations",
  ...TABLE,
  // The reference's events table holds the trace's metadata under the observation's, whose keys win.
  metadata: { sql: "mapUpdate(tr.metadata, o.metadata)", relation: "trace" },
  dimensions: {
    id: { sql: "o.id", type: "string", highCardinality: true },
    traceId: { sql: "o.trace_id", type: "string", highCardinality: true },
    environment: emptyAsNull("o.environment", { rollup: { groups: true, users: true } }),
    parentObservationId: emptyAsNull("o.parent_observation_id", { highCardinality: true }),
    isRootObservation: { sql: IS_ROOT, type: "boolean" },
    type: { sql: "o.type", type: "string", rollup: GROUPS },
    name: { sql: "ifNull(o.name, '')", type: "string", rollup: GROUPS },
    level: { sql: "o.level", type: "string", rollup: GROUPS },
    version: emptyAsNull("o.version"),
    userId: emptyAsNull("tr.user_id", { relation: "trace", highCardinality: true, rollup: { users: emptyAsNull("o.user_id") } }),
    sessionId: emptyAsNull("tr.session_id", { relation: "trace", highCardinality: true }),
    tags: { sql: "tr.tags", type: "string[]", relation: "trace" },
    release: emptyAsNull("tr.release", { relation: "trace" }),
    // The trace's name, else the observation's own when it is the root (the reference's TRACE_NAME).
    traceName: { sql: `coalesce(${nonEmpty("tr.name")}, if(${IS_ROOT}, ${nonEmpty("o.name")}, NULL))`, type: "string", relation: "trace" },
    traceRelease: emptyAsNull("tr.release", { relation: "trace" }),
    // As the reference: the observation's own version, which its events table calls the trace's.
    traceVersion: emptyAsNull("o.version"),
    providedModelName: emptyAsNull("o.provided_model_name", { rollup: GROUPS }),
    promptName: emptyAsNull("o.prompt_name"),
    ...promptVersionAndMonth,
    costType: { sql: "cost_type", type: "string", pairExpansion: { map: "o.cost_details", keyAlias: "cost_type", valueAlias: "cost_value" } },
    usageType: { sql: "usage_type", type: "string", pairExpansion: { map: "o.usage_details", keyAlias: "usage_type", valueAlias: "usage_value" } },
    ...toolDimensions,
    experimentName: emptyAsNull("o.experiment_name", { highCardinality: true }),
    experimentDatasetId: emptyAsNull("o.experiment_dataset_id", { highCardinality: true }),
    experimentId: emptyAsNull("o.experiment_id", { highCardinality: true }),
  },
  measures: {
    ...observationMeasures,
    ...rolledUpMeasures,
    traceId: { sql: "o.trace_id", type: "string" },
    uniqueUserIds: { sql: nonEmpty("tr.user_id"), type: "string", relation: "trace" },
    uniqueSessionIds: { sql: nonEmpty("tr.session_id"), type: "string", relation: "trace" },
    totalCost: summed({ sql: `toNullable(${OBSERVATION.totalCostFromColumn})`, type: "decimal" }),
    costByType: { sql: "cost_value", type: "decimal", requiresDimension: "costType" },
    usageByType: { sql: "usage_value", type: "integer", requiresDimension: "usageType" },
  },
  relations: {
    trace: traceLookup("o.trace_id", { join: "LEFT", windowed: false }),
    scores: scoresPerObservation,
  },
  rollups: true,
});
