import { scoreObservationLookup, traceLookup, v1TraceDimensions } from "./relations.ts";
import { observationColumns, scores } from "@wick/clickhouse";
import { monthOf } from "./months.ts";
import { defineView, emptyAsNull, nonEmpty, type Dimension, type Measure } from "./types.ts";

type ScoreViewName = "scores-numeric" | "scores-categorical" | "scores-boolean";

const SEGMENTS: Record<ScoreViewName, string> = {
  // Boolean scores count as numeric 0/1.
  "scores-numeric": "s.data_type IN ('NUMERIC', 'BOOLEAN')",
  "scores-categorical": "s.data_type = 'CATEGORICAL'",
  "scores-boolean": "s.data_type = 'BOOLEAN'",
};

/** The value dimension each score view adds. */
const VALUE_DIMENSIONS: Record<ScoreViewName, Record<string, Dimension>> = {
  "scores-numeric": { value: { sql: "s.value", type: "number" } },
  "scores-categorical": { stringValue: { sql: "s.string_value", type: "string" } },
  "scores-boolean": { booleanValue: { sql: "toBool(s.value)", type: "boolean" } },
};

const MEASURES: Record<ScoreViewName, Record<string, Measure>> = {
  "scores-numeric": { count: { sql: "1", type: "integer" }, value: { sql: "s.value", type: "number" } },
  "scores-categorical": { count: { sql: "1", type: "integer" } },
  // avg of 0/1 is the true-rate.
  "scores-boolean": { count: { sql: "1", type: "integer" }, value: { sql: "s.value", type: "number" } },
};

const scoreDimensions: Record<string, Dimension> = {
  id: { sql: "s.id", type: "string", highCardinality: true },
  environment: { sql: "s.environment", type: "string" },
  name: { sql: "s.name", type: "string" },
  evaluatorId: { sql: `coalesce(${nonEmpty("s.metadata['evaluator_id']")}, s.metadata['job_configuration_id'])`, type: "string", highCardinality: true },
  source: { sql: "s.source", type: "string" },
  dataType: { sql: "s.data_type", type: "string" },
  traceId: { sql: "s.trace_id", type: "string", highCardinality: true },
  configId: { sql: "s.config_id", type: "string" },
  timestampMonth: { sql: monthOf("s.timestamp"), type: "string" },
  timestampDay: { sql: "formatDateTime(s.timestamp, '%Y-%m-%d')", type: "string" },
  observationId: { sql: "s.observation_id", type: "string", highCardinality: true },
};

const observationPromptVersion: Dimension = { sql: "ob.prompt_version", type: "string", relation: "observation", filterSql: observationColumns("ob").promptVersionText };

/** v1: trace and observation attributes as stored; `sessionId` is the trace's session. */
const v1Joined: Record<string, Dimension> = {
  ...v1TraceDimensions,
  observationName: { sql: "ob.name", type: "string", relation: "observation" },
  observationModelName: { sql: "ob.provided_model_name", type: "string", relation: "observation" },
  observationPromptName: { sql: "ob.prompt_name", type: "string", relation: "observation" },
  observationPromptVersion,
};

/** v2: '' reads as NULL; `sessionId` is the score's own session. */
const v2Joined: Record<string, Dimension> = {
  sessionId: { sql: "s.session_id", type: "string", highCardinality: true },
  datasetRunId: emptyAsNull("s.dataset_run_id", { highCardinality: true }),
  traceName: emptyAsNull("tr.name", { relation: "trace" }),
  userId: emptyAsNull("tr.user_id", { relation: "trace", highCardinality: true }),
  tags: { sql: "tr.tags", type: "string[]", relation: "trace" },
  traceRelease: emptyAsNull("tr.release", { relation: "trace" }),
  traceVersion: emptyAsNull("tr.version", { relation: "trace" }),
  observationName: { sql: "ifNull(ob.name, '')", type: "string", relation: "observation" },
  observationModelName: emptyAsNull("ob.provided_model_name", { relation: "observation" }),
  observationPromptName: emptyAsNull("ob.prompt_name", { relation: "observation" }),
  observationPromptVersion,
  experimentName: emptyAsNull("ob.experiment_name", { relation: "observation", highCardinality: true }),
  experimentId: emptyAsNull("ob.experiment_id", { relation: "observation", highCardinality: true }),
};

/**
 * A score view: one row per score of the view's data types. Trace and observation attributes come
 * from INNER joins limited to the window, in both versions, as the reference's relations.
 */
function scoreView(name: ScoreViewName, joined: Record<string, Dimension>) {
  return defineView({
    name,
    table: scores,
    alias: "s",
    segment: SEGMENTS[name],
    dimensions: { ...scoreDimensions, ...joined, ...VALUE_DIMENSIONS[name] },
    measures: MEASURES[name],
    relations: {
      trace: traceLookup("s.trace_id", { join: "INNER", windowed: true }),
      observation: scoreObservationLookup,
    },
  });
}

const NAMES: ScoreViewName[] = ["scores-numeric", "scores-categorical", "scores-boolean"];

export const scoreViewsV1 = NAMES.map((name) => scoreView(name, v1Joined));
export const scoreViewsV2 = NAMES.map((name) => scoreView(name, v2Joined));
